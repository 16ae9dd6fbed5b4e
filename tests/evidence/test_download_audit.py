"""Every evidence download is recorded: who, from where, which file and version; a refused
download (another unit's file) records nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gecc.audit.models import AuditEntry
from gecc.evidence.domain.evidence import add_evidence
from tests.conftest import sign_in
from tests.evidence import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(answer, coordinator):
    return add_evidence(answer, SimpleUploadedFile("รายงาน ผล.pdf", samples.pdf_bytes()),
                        coordinator)


def download(client, evidence, **extra):
    response = client.get(evidence.get_download_url(), **extra)
    assert b"".join(response.streaming_content)  # read to the end, which closes the file
    return response


def test_download_is_logged_with_who_where_and_which_file(client, make_user, coordinator,
                                                         evidence):
    sign_in(client, make_user("coordinator"))  # of no unit: the file is a 404, not logged
    assert client.get(evidence.get_download_url()).status_code == 404
    sign_in(client, coordinator)
    assert download(client, evidence, REMOTE_ADDR="198.51.100.4").status_code == 200
    entry = AuditEntry.objects.get(action="evidence.downloaded")
    assert (entry.actor, entry.ip_address, entry.object_id) == (
        coordinator, "198.51.100.4", str(evidence.pk))
    assert entry.data == {"file": "รายงาน ผล.pdf", "version": 1, "sha256": evidence.sha256,
                          "application": evidence.answer.application_id}


def test_each_download_is_one_more_entry(client, login_as, evidence):
    secretariat = login_as("secretariat")
    download(client, evidence)
    download(client, evidence)
    assert list(AuditEntry.objects.filter(action="evidence.downloaded")
                .values_list("actor", flat=True)) == [secretariat.pk, secretariat.pk]
