from django.apps import AppConfig


class TramitesConfig(AppConfig):
    name = "tramites"
    verbose_name = "Trámites (Ventanilla Virtual)"
