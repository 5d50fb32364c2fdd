from django.urls import path

from coactiva import views

app_name = "coactiva"

urlpatterns = [
    path("coactiva/reportes/", views.reportes, name="reportes"),
    path("coactiva/procesos/<int:pk>/expediente/", views.expediente, name="expediente"),
    path("coactiva/oficios/<int:pk>/pdf/", views.oficio_pdf, name="oficio_pdf"),
]
