import pytest
from django.test.utils import override_settings

from gecc.applications.demo import load_lamphun_2563_round
from gecc.backoffice.dashboard import round_summaries
from gecc.demo.accounts import ensure_demo_accounts
from gecc.demo.evidence import attach_demo_evidence


@pytest.fixture
def demo_round(db, settings, tmp_path):
    # The example edition needs evidence on its mandatory items: the demo app's pictures.
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_demo_accounts()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        return load_lamphun_2563_round(before_submit=attach_demo_evidence)


def test_secretariat_home_shows_the_running_round_with_counts(client, login_as, demo_round):
    login_as("secretariat")
    page = client.get("/staff/").content.decode()
    assert demo_round.name in page
    assert page.count('data-testid="round-card"') == 1


def test_round_summary_counts_the_applications_by_state(make_user, demo_round):
    [summary] = round_summaries(make_user("secretariat"))
    assert (summary["total"], summary["to_review"], summary["accepted"]) == (8, 0, 8)


def test_round_summaries_for_a_user_without_a_role_is_empty(make_user, demo_round):
    assert round_summaries(make_user()) == []


def test_assessor_home_lists_rounds_in_site_visits(client, login_as, demo_round):
    login_as("assessor")
    assert demo_round.name in client.get("/staff/assessment/").content.decode()


def test_secretariat_home_without_rounds_shows_the_empty_state(client, login_as):
    login_as("secretariat")
    page = client.get("/staff/").content.decode()
    assert "ยังไม่มีรอบการประเมินที่ดำเนินการอยู่" in page


def test_round_summaries_query_count_does_not_grow_with_rounds(make_user, demo_round):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gecc.rounds.models import Round

    user = make_user("secretariat")
    assert user.roles  # read once; cached on the user like in a request
    with CaptureQueriesContext(connection) as one:
        assert len(round_summaries(user)) == 1
    for year in (2564, 2565):
        Round.objects.create(year=year, name=f"รอบ {year}", edition=demo_round.edition)
    with CaptureQueriesContext(connection) as three:
        assert len(round_summaries(user)) == 3
    assert len(three) == len(one) == 2
