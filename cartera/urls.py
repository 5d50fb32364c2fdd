from django.urls import path

from cartera import views, views_empleador

app_name = "cartera"

urlpatterns = [
    path("cartera/reportes/", views.reportes, name="reportes"),
    path("cartera/reportes/mora/", views.reporte_mora, name="reporte_mora"),
    path("cartera/reportes/antiguedad/", views.reporte_antiguedad, name="reporte_antiguedad"),
    path("cartera/reportes/cambios/", views.reporte_cambios, name="reporte_cambios"),
    path(
        "cartera/reportes/impugnaciones/",
        views.reporte_impugnaciones,
        name="reporte_impugnaciones",
    ),
    # Employer portal
    path("empleador/ingresar/", views_empleador.Ingresar.as_view(), name="ingresar"),
    path("empleador/salir/", views_empleador.salir, name="salir"),
    path("empleador/clave/", views_empleador.clave_olvidada, name="clave_olvidada"),
    path("empleador/clave/enviada/", views_empleador.clave_enviada, name="clave_enviada"),
    path("empleador/clave/<uidb64>/<token>/", views_empleador.clave_nueva, name="clave_nueva"),
    path("empleador/clave/lista/", views_empleador.clave_lista, name="clave_lista"),
    path("empleador/", views_empleador.obligaciones, name="obligaciones"),
    path("empleador/glosas/", views_empleador.glosas, name="glosas"),
    path("empleador/glosas/<int:pk>/", views_empleador.glosa, name="glosa"),
    path("empleador/glosas/<int:pk>/impugnar/", views_empleador.impugnar, name="impugnar"),
    path("empleador/acuerdos/", views_empleador.acuerdos_lista, name="acuerdos"),
    path("empleador/acuerdos/simulador/", views_empleador.simulador, name="simulador"),
    path("empleador/acuerdos/purga-de-mora/", views_empleador.purga_mora, name="purga_mora"),
    path("empleador/acuerdos/<int:pk>/", views_empleador.acuerdo, name="acuerdo"),
    path("empleador/autorizaciones/", views_empleador.autorizaciones, name="autorizaciones"),
    path(
        "empleador/autorizaciones/<int:pk>/pdf/",
        views_empleador.autorizacion_pdf,
        name="autorizacion_pdf",
    ),
    path(
        "empleador/autorizaciones/<int:pk>/revocar/",
        views_empleador.autorizacion_revocar,
        name="autorizacion_revocar",
    ),
    path("empleador/preferencias/", views_empleador.preferencias, name="preferencias"),
    path("certificado/", views_empleador.certificado, name="certificado"),
    path("certificado/<str:codigo>/pdf/", views_empleador.certificado_pdf, name="certificado_pdf"),
]
