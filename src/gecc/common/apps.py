from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "gecc.common"
    verbose_name = "Common"
