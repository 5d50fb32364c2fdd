from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Ventanilla Virtual IESS · Back office"
admin.site.site_title = "Back office IESS"
admin.site.index_title = "Gestión de trámites, cartera y coactiva"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("core.urls")),
    path("", include("tramites.urls")),
    path("", include("cartera.urls")),
    path("", include("coactiva.urls")),
]

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
