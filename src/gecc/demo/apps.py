from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "gecc.demo"
    verbose_name = "Demo data"
