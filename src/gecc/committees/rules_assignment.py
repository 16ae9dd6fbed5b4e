"""Who may work on the assignment of applications to sub-committees: the secretariat only.

django-rules autodiscovers only ``rules.py``; this module is imported by the assignment
views (``views/assignment.py``), which is enough to register the permission before any
assignment page is served.
"""

import rules

from gecc.accounts.rules import is_secretariat

# Proposing, moving, locking, confirming and exporting a round's assignment.
can_manage_assignment = is_secretariat

if not rules.perm_exists("committees.manage_assignment"):
    rules.add_perm("committees.manage_assignment", can_manage_assignment)
