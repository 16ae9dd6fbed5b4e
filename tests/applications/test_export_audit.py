"""The desk-review export is recorded: who, from where, which round, format, row count and
the filter used."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.applications.domain import submit_application
from gecc.audit.models import AuditEntry
from tests.applications.factories import DURING, answer_all, make_application, make_round
from tests.conftest import sign_in
from tests.registry.factories import ServiceUnitFactory

pytestmark = pytest.mark.django_db


def submitted(round_obj, **unit_fields):
    application = make_application(round_obj, ServiceUnitFactory(**unit_fields))
    answer_all(application)
    submit_application(application, None, now=DURING)
    return application


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_review_export_is_logged_with_who_what_and_filter(client, make_user, fmt):
    reviewer = make_user("secretariat")
    TOTPDevice.objects.create(user=reviewer, name="test", confirmed=True)
    sign_in(client, reviewer)
    round_obj = make_round()
    submitted(round_obj)
    submitted(round_obj, subdistrict_id="100101", postcode="10200")
    response = client.get(reverse("applications:review.export"),
                          {"fmt": fmt, "province": "51"}, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="applications.exported")
    assert (entry.actor, entry.ip_address, entry.object_id) == (
        reviewer, "192.0.2.7", str(round_obj.pk))
    assert entry.data == {"format": fmt, "rows": 1,
                          "filters": {"fmt": [fmt], "province": ["51"]}}
