"""Rounds, applications and answers to hang evidence on (small and local to these tests)."""

from datetime import timedelta

import factory
from django.utils import timezone

from gecc.applications.enums import ApplicationState
from gecc.applications.models import Answer, Application
from gecc.criteria.domain.editions import load_edition
from gecc.criteria.enums import NodeKind
from gecc.criteria.models import Node
from gecc.rounds.enums import RoundPhase
from gecc.rounds.models import Round
from tests.criteria.factories import small_document
from tests.registry.factories import ServiceUnitFactory


def edition_version():
    return load_edition(small_document()).version


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    year = factory.Sequence(lambda n: 2570 + n)
    name = factory.LazyAttribute(lambda o: f"รอบทดสอบ {o.year}")
    edition = factory.LazyFunction(edition_version)
    # Accepting applications now: evidence may change only while the application may.
    phase = RoundPhase.APPLICATIONS
    applications_open_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    applications_close_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=60))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    round = factory.SubFactory(RoundFactory)
    unit = factory.SubFactory(ServiceUnitFactory)
    target_level = "basic"
    contact_name = "ผู้ประสานงานทดสอบ"
    state = ApplicationState.DRAFT


def first_item(application, index=0):
    return Node.objects.filter(version_id=application.round.edition_id,
                               kind=NodeKind.ITEM).order_by("position")[index]


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    application = factory.SubFactory(ApplicationFactory)
    item = factory.LazyAttribute(lambda o: first_item(o.application))
