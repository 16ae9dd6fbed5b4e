from .assessor_profile import AssessorProfile
from .assignment import Assignment, AssignmentRun
from .conflict import Conflict
from .subcommittee import MEMBER_ORDER, Membership, SubCommittee

__all__ = ["MEMBER_ORDER", "AssessorProfile", "Assignment", "AssignmentRun", "Conflict", "Membership",
           "SubCommittee"]
