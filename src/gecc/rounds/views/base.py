"""Access rules shared by the round screens."""

from django.shortcuts import get_object_or_404

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.accounts.rules import is_staff_member
from gecc.rounds.models import Round


class StaffAccessMixin(AllowedUserRequiredMixin):
    """Signed-in staff only (anonymous → sign-in page, others → 403); then ``allowed``."""

    def allowed(self, user):
        return is_staff_member(user)


class RoundManageMixin(StaffAccessMixin):
    """Only who may manage rounds (the secretariat)."""

    def allowed(self, user):
        return user.has_perm("rounds.manage_round")


def get_visible_round(user, year):
    return get_object_or_404(Round.objects.visible_to(user).select_related(
        "edition", "edition__edition"), year=year)
