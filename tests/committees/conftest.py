"""Fixtures the committees tests share."""

import pytest
from django.utils import timezone

from tests.committees.factories import BEFORE_VISITS, Clock


@pytest.fixture
def clock(monkeypatch):
    """``timezone.now`` frozen before the visits start (set ``clock.now`` to move it); a module
    that needs it everywhere says ``pytest.mark.usefixtures("clock")``."""
    frozen = Clock(BEFORE_VISITS)
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def secretariat(make_user):
    return make_user("secretariat")
