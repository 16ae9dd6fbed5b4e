from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "gecc.decisions"
    verbose_name = _("Steering-committee decisions")

    def ready(self):
        from gecc.decisions import checks  # noqa: F401  (labels, phase checks)
