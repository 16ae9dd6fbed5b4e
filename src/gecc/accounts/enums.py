from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat")
    ASSESSOR = "assessor", _("Sub-committee member")
    COORDINATOR = "coordinator", _("Unit coordinator")
    STEERING = "steering", _("Steering committee")


# Roles that work in the staff back office rather than the unit portal.
STAFF_ROLES = frozenset({Role.SECRETARIAT, Role.ASSESSOR, Role.STEERING})
