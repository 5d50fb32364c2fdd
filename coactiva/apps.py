from django.apps import AppConfig


class CoactivaConfig(AppConfig):
    name = "coactiva"
    verbose_name = "Gestión de Coactiva"

    def ready(self) -> None:
        from coactiva.services import levantamiento_resolver
        from tramites import resolutores

        resolutores.registrar("levantamiento-medidas-cautelares", levantamiento_resolver)
