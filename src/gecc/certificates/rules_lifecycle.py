"""Who may change a certificate's status (django-rules): suspending, reinstating and
withdrawing are the secretariat's, each with a reason and a confirmation page. Lookups
start from ``Certificate.objects.visible_to(user)``."""

import rules

from gecc.accounts.rules import is_secretariat

rules.add_perm("certificates.suspend_certificate", is_secretariat)
rules.add_perm("certificates.reinstate_certificate", is_secretariat)
rules.add_perm("certificates.withdraw_certificate", is_secretariat)
