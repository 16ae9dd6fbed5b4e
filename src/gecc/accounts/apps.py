from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gecc.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from gecc.accounts.domain import sessions

        sessions.connect_signals()
