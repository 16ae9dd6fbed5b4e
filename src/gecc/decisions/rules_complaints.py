"""Complaints from the public are the secretariat's alone: the list, a complaint's page,
triage and closing (django-rules). The public files them without signing in (the public
site's form calls ``decisions.domain.complaints.file_complaint``)."""

import rules

from gecc.accounts.rules import is_secretariat

rules.add_perm("decisions.view_complaint", is_secretariat)
rules.add_perm("decisions.manage_complaint", is_secretariat)
