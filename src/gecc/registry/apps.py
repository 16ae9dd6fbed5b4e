from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "gecc.registry"
    verbose_name = _("Registry")

    def ready(self):
        from gecc.common.queue import register_sweep
        from gecc.registry.tasks import sweep_import_jobs

        register_sweep(sweep_import_jobs)  # import jobs a broker outage left waiting
