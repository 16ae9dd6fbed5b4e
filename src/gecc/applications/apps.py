from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "gecc.applications"
    verbose_name = _("Applications")

    def ready(self):
        from gecc.applications.domain.round_checks import every_application_decided
        from gecc.rounds.domain.rounds import register_phase_check

        register_phase_check(every_application_decided)
