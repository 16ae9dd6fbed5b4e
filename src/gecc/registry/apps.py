from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "gecc.registry"
    verbose_name = _("Registry")

    def ready(self):
        from django.db.backends.signals import connection_created

        from gecc.registry.domain.search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions,
                                   dispatch_uid="gecc.registry.sqlite_functions")
