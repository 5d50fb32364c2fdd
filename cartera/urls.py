from django.urls import path

from cartera import views

app_name = "cartera"

urlpatterns = [
    path("cartera/reportes/", views.reportes, name="reportes"),
    path("cartera/reportes/mora/", views.reporte_mora, name="reporte_mora"),
    path("cartera/reportes/antiguedad/", views.reporte_antiguedad, name="reporte_antiguedad"),
    path("cartera/reportes/cambios/", views.reporte_cambios, name="reporte_cambios"),
]
