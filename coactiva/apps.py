from django.apps import AppConfig


class CoactivaConfig(AppConfig):
    name = "coactiva"
    verbose_name = "Gestión de Coactiva"
