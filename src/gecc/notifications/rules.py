"""Who may read the outbox: the secretariat only (it holds every email the system sent)."""

import rules

from gecc.accounts.rules import is_secretariat

rules.add_perm("notifications.view_outbox", is_secretariat)
rules.add_perm("notifications.resend_message", is_secretariat)
