from django.apps import AppConfig


class CarriersConfig(AppConfig):
    name = "apps.carriers"
    label = "carriers"
