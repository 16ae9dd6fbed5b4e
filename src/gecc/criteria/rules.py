"""Who may see and load criteria.

The secretariat, sub-committee members and the steering committee may browse every
edition; only the secretariat loads files.
"""

import rules

from gecc.accounts.rules import is_assessor, is_secretariat, is_steering

rules.add_perm("criteria.view_edition", is_secretariat | is_assessor | is_steering)
rules.add_perm("criteria.load_edition", is_secretariat)
