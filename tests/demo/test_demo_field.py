import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from gecc.accounts.models import User
from gecc.applications.models import Application
from gecc.committees.enums import Position
from gecc.rounds.enums import RoundPhase
from gecc.rounds.models import Round
from gecc.visits.models import Visit


@pytest.mark.django_db
def test_demo_member_chairs_a_team_with_visits_in_the_coming_days():
    call_command("setup_demo")
    today = timezone.localdate()
    field_round = Round.objects.get(year=today.year + 543 - 1)
    assert field_round.phase == RoundPhase.SITE_VISITS
    member = User.objects.get(email="assessor@demo.gecc.local")
    membership = member.memberships.get(round=field_round)
    assert membership.position == Position.CHAIR
    visible = Application.objects.visible_to(member).filter(round=field_round)
    assert visible.count() == 3
    visits = Visit.objects.filter(application__in=visible).exclude(day=None)
    assert visits.count() == 3
    assert all(today < visit.day.date <= today + datetime.timedelta(days=2)
               for visit in visits.select_related("day"))
