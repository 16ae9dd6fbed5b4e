"""Writing many entries at once (a bulk import's one entry per record), entries for work done
later than its request (the client address kept), and downloads (``log_export``)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from gecc.accounts.models import User
from gecc.audit.domain import build_entry, log_actions, log_export
from gecc.audit.domain.log import MASK
from gecc.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_log_actions_writes_every_built_entry_in_one_go(make_user):
    actor = make_user("secretariat")
    targets = [make_user("coordinator") for _ in range(3)]
    ContentType.objects.get_for_model(User)  # cached, as in a running process
    entries = [build_entry("user.imported", actor=actor, obj=target, after={"n": index},
                           data={"token": "x"}, ip_address="192.0.2.1")
               for index, target in enumerate(targets)]
    with CaptureQueriesContext(connection) as queries:
        assert log_actions(entries) == 3
    # One statement: a multi-row INSERT, or on PostgreSQL a COPY (which the query log
    # does not see).
    inserts = [q for q in queries if "INSERT INTO" in q["sql"]]
    assert len(inserts) == (0 if connection.vendor == "postgresql" else 1)
    stored = list(AuditEntry.objects.filter(action="user.imported").order_by("pk"))
    assert [entry.object_id for entry in stored] == [str(target.pk) for target in targets]
    assert [entry.data for entry in stored] == [{"after": {"n": n}, "token": MASK}
                                                for n in range(3)]
    assert {(entry.actor_id, entry.ip_address) for entry in stored} == {(actor.pk, "192.0.2.1")}


def test_the_request_address_wins_over_a_kept_one():
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.1")
    entry = build_entry("x.y", request=request, ip_address="192.0.2.1")
    assert entry.ip_address == "198.51.100.1"
    assert build_entry("x.y", ip_address="192.0.2.1").ip_address == "192.0.2.1"


def test_log_export_records_who_where_what_and_the_filter(make_user):
    user = make_user("secretariat")
    request = RequestFactory().get("/export/?fmt=csv&state=a&state=b",
                                   REMOTE_ADDR="198.51.100.1")
    request.user = user
    entry = log_export("thing.exported", request, obj=user, data={"rows": 2})
    entry.refresh_from_db()
    assert (entry.actor, entry.ip_address, entry.object_id) == (user, "198.51.100.1",
                                                                 str(user.pk))
    assert entry.data == {"rows": 2, "filters": {"fmt": ["csv"], "state": ["a", "b"]}}
