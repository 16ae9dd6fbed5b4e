"""Who may read the audit log pages.

Only the secretariat browses, opens and exports the whole log. Other users see the
entries they made themselves in an object's history (``AuditEntry.objects.visible_to``).
Nobody, in any interface, may change or delete an entry.
"""

import rules

from gecc.accounts.rules import is_secretariat

rules.add_perm("audit.view_log", is_secretariat)
