from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("favicon.ico", views.favicon),
    path("verificar/", views.verificar_buscar, name="verificar_buscar"),
    path("verificar/<str:codigo>/", views.verificar, name="verificar"),
]
