from django.urls import path

from tramites import views

app_name = "tramites"

urlpatterns = [
    path("tramites/", views.catalogo, name="catalogo"),
    path("tramites/<slug:slug>/", views.detalle, name="detalle"),
    path("ventanilla/", views.ventanilla, name="ventanilla"),
    path("ventanilla/<slug:slug>/", views.solicitud, name="solicitud"),
    path("ventanilla/recibida/<str:numero>/", views.recibida, name="recibida"),
    path("ventanilla/recibida/<str:numero>/acuse/", views.recibida_acuse, name="recibida_acuse"),
    path("consulta/", views.consulta, name="consulta"),
    path(
        "consulta/documento/<int:documento_id>/",
        views.consulta_documento,
        name="consulta_documento",
    ),
    path("consulta/subsanar/", views.subsanar, name="subsanar"),
    path("transparencia/", views.transparencia, name="transparencia"),
    path("transparencia/queja/", views.queja, name="queja"),
    path("tramites/documentos/<int:documento_id>/", views.documento_staff, name="documento_staff"),
    path("gestion/tablero/", views.tablero, name="tablero"),
    path("gestion/auditoria/", views.auditoria_exportar, name="auditoria"),
    path(
        "gestion/solicitudes/<int:solicitud_id>/expediente/",
        views.expediente,
        name="expediente",
    ),
]
