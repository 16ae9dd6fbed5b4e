from .assessor_profile import AssessorProfile
from .assignment import Assignment, AssignmentRun
from .conflict import Conflict
from .subcommittee import Membership, SubCommittee

__all__ = ["AssessorProfile", "Assignment", "AssignmentRun", "Conflict", "Membership",
           "SubCommittee"]
