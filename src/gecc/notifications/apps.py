from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "gecc.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from gecc.common.outbox import set_outbox
        from gecc.common.queue import register_sweep
        from gecc.notifications import checks  # noqa: F401  (registers the system checks)
        from gecc.notifications.domain.outbox import notify
        from gecc.notifications.domain.sweep import sweep_outbox

        set_outbox(notify)  # apps below this one send email through gecc.common.outbox
        register_sweep(sweep_outbox)
