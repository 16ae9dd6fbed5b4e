from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "gecc.scoring"
    verbose_name = _("On-site scoring")

    def ready(self):
        from gecc.scoring import checks  # noqa: F401  (registers labels and phase checks)
