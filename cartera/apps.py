from django.apps import AppConfig


class CarteraConfig(AppConfig):
    name = "cartera"
    verbose_name = "Gestión de Cartera"

    def ready(self) -> None:
        from cartera.portal import registrar_resolutores

        registrar_resolutores()
