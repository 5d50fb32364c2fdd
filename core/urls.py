from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg"), permanent=True)),
    path("verificar/", views.verificar_buscar, name="verificar_buscar"),
    path("verificar/<str:codigo>/", views.verificar, name="verificar"),
]
