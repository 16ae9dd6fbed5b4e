"""Who may see and manage steering-committee meetings and decisions (django-rules).

The secretariat creates, edits and closes meetings, records decisions (on the committee's
behalf, recorded as such) and corrects final ones; the steering committee's members read
everything and record decisions at an open meeting. Nobody else sees them here (a unit sees
its own decision in the portal once the meeting is closed)."""

import rules

from gecc.accounts.rules import is_secretariat, is_steering

rules.add_perm("decisions.view_meeting", is_secretariat | is_steering)
rules.add_perm("decisions.manage_meeting", is_secretariat)
rules.add_perm("decisions.record_decision", is_secretariat | is_steering)
rules.add_perm("decisions.view_decision", is_secretariat | is_steering)
rules.add_perm("decisions.correct_decision", is_secretariat)
