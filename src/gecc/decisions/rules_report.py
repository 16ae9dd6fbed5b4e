"""Who reads the steering-committee report of a round's proposed results (django-rules):
the secretariat, which prepares it, and the steering committee, which decides on it; its web
page, its PDF and its XLSX alike. Assessors and coordinators never (403): it lists every
application of the round with its proposed result and flags."""

import rules

from gecc.accounts.rules import is_secretariat, is_steering

rules.add_perm("decisions.view_report", is_secretariat | is_steering)
