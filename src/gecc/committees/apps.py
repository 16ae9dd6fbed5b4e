from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "gecc.committees"
    verbose_name = _("Sub-committees")

    def ready(self):
        from gecc.committees import checks  # noqa: F401  (registers scopes and phase checks)
