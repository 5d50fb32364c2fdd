from django.apps import AppConfig


class CarteraConfig(AppConfig):
    name = "cartera"
    verbose_name = "Gestión de Cartera"
