from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "gecc.certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from gecc.certificates import checks  # noqa: F401  (labels, hooks)
