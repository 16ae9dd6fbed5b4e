"""Adding, replacing, removing and carrying forward evidence: versions are kept, bytes are
shared, every change is audited and guarded by the application being editable."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from gecc.applications.enums import ApplicationKind, ApplicationState
from gecc.audit.models import AuditEntry
from gecc.evidence.domain.evidence import (
    add_evidence,
    carry_forward,
    remove_evidence,
    replace_evidence,
)
from gecc.evidence.domain.files import EvidenceRejected
from gecc.evidence.models import EvidenceFile
from tests.evidence import samples
from tests.evidence.factories import AnswerFactory, ApplicationFactory, RoundFactory

pytestmark = pytest.mark.django_db


def pdf(name="รายงานผล.pdf", data=None):
    return SimpleUploadedFile(name, data or samples.pdf_bytes())


def stored_bytes(evidence):
    with default_storage.open(evidence.file.name, "rb") as handle:
        return handle.read()


def test_add_evidence_stores_file_with_detected_type_and_sha256(answer, coordinator):
    data = samples.pdf_bytes()
    evidence = add_evidence(answer, pdf(data=data), coordinator)
    evidence.refresh_from_db()
    assert evidence.kind == "pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.original_name == "รายงานผล.pdf"
    assert evidence.size == len(data)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.uploaded_by == coordinator
    assert (evidence.version, evidence.is_current, evidence.replaces) == (1, True, None)
    assert stored_bytes(evidence) == data


def test_add_evidence_stores_under_a_random_name_in_the_application_folder(answer,
                                                                            coordinator):
    evidence = add_evidence(answer, pdf("../../etc/passwd.pdf"), coordinator)
    expected = f"evidence/{answer.application_id}/{evidence.public_id.hex}.pdf"
    assert evidence.file.name == expected
    assert evidence.original_name == "passwd.pdf"


def test_add_evidence_gives_a_photo_the_extension_of_its_content(answer, coordinator):
    evidence = add_evidence(answer, SimpleUploadedFile("photo.pdf", samples.png_bytes()),
                            coordinator)
    assert evidence.kind == "png"
    assert evidence.file.name.endswith(".png")


def test_add_evidence_stores_a_jpeg_without_gps_and_hashes_the_stored_bytes(answer,
                                                                           coordinator):
    from io import BytesIO

    from PIL import Image

    evidence = add_evidence(answer, SimpleUploadedFile("site.jpg", samples.jpeg_bytes()),
                            coordinator)
    data = stored_bytes(evidence)
    assert Image.open(BytesIO(data)).getexif().get_ifd(samples.GPS_IFD) == {}
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.size == len(data)


def test_add_evidence_is_audited(answer, coordinator):
    evidence = add_evidence(answer, pdf(), coordinator)
    entry = AuditEntry.objects.get(action="evidence.uploaded")
    assert entry.actor == coordinator
    assert entry.object_id == str(evidence.pk)
    assert entry.data["after"]["sha256"] == evidence.sha256
    assert entry.data["after"]["original_name"] == "รายงานผล.pdf"


def test_add_evidence_refuses_an_executable_and_stores_nothing(answer, coordinator):
    with pytest.raises(EvidenceRejected):
        add_evidence(answer, SimpleUploadedFile("setup.pdf", b"MZ\x90\x00" + b"\0" * 64),
                     coordinator)
    assert EvidenceFile.objects.count() == 0
    assert AuditEntry.objects.filter(action__startswith="evidence.").count() == 0


def test_add_evidence_refuses_a_coordinator_of_another_unit(answer, make_user):
    other = make_user("coordinator")
    with pytest.raises(PermissionDenied):
        add_evidence(answer, pdf(), other)
    assert EvidenceFile.objects.count() == 0


def test_add_evidence_refuses_the_secretariat(answer, make_user):
    with pytest.raises(PermissionDenied):
        add_evidence(answer, pdf(), make_user("secretariat"))


def test_add_evidence_checks_the_stored_state_not_a_stale_copy(answer, coordinator):
    """An upload racing a submission: the answer in hand still says draft, the database
    says submitted. Nothing is attached."""
    from gecc.applications.models import Application

    assert answer.application.state in (ApplicationState.DRAFT, ApplicationState.RETURNED)
    Application.objects.filter(pk=answer.application_id).update(
        state=ApplicationState.SUBMITTED)
    with pytest.raises(PermissionDenied):
        add_evidence(answer, pdf(), coordinator)
    assert EvidenceFile.objects.count() == 0


@pytest.mark.parametrize("state", [ApplicationState.SUBMITTED, ApplicationState.ACCEPTED,
                                   ApplicationState.WITHDRAWN])
def test_add_evidence_refuses_an_application_that_is_not_editable(answer, coordinator,
                                                                   state):
    answer.application.state = state
    answer.application.save(update_fields=["state"])
    with pytest.raises(PermissionDenied):
        add_evidence(answer, pdf(), coordinator)


def test_add_evidence_allowed_while_returned_for_correction(answer, coordinator):
    answer.application.state = ApplicationState.RETURNED
    answer.application.save(update_fields=["state"])
    assert add_evidence(answer, pdf(), coordinator).is_current


def test_replace_evidence_keeps_the_old_version(answer, coordinator):
    old = add_evidence(answer, pdf("v1.pdf", samples.pdf_bytes() + b"% one\n"), coordinator)
    new = replace_evidence(old, pdf("v2.pdf", samples.pdf_bytes() + b"% two\n"), coordinator)
    old.refresh_from_db()
    assert (old.is_current, old.removed_at) == (False, None)
    assert (new.is_current, new.version, new.replaces) == (True, 2, old)
    assert stored_bytes(old).endswith(b"% one\n")
    assert stored_bytes(new).endswith(b"% two\n")
    assert list(EvidenceFile.objects.current().filter(answer=answer)) == [new]
    entry = AuditEntry.objects.get(action="evidence.replaced")
    assert entry.object_id == str(new.pk)
    assert entry.data["before"]["original_name"] == "v1.pdf"
    assert entry.data["after"]["original_name"] == "v2.pdf"


def test_replace_evidence_refuses_a_version_that_is_no_longer_current(answer, coordinator):
    old = add_evidence(answer, pdf(), coordinator)
    replace_evidence(old, pdf(), coordinator)
    stale = EvidenceFile.objects.get(pk=old.pk)
    with pytest.raises(EvidenceRejected):
        replace_evidence(stale, pdf(), coordinator)
    assert EvidenceFile.objects.count() == 2


def test_replace_evidence_with_a_bad_file_keeps_the_current_one(answer, coordinator):
    old = add_evidence(answer, pdf(), coordinator)
    with pytest.raises(EvidenceRejected):
        replace_evidence(old, SimpleUploadedFile("x.docx", b""), coordinator)
    old.refresh_from_db()
    assert old.is_current


def test_remove_evidence_marks_not_current_and_keeps_the_bytes(answer, coordinator):
    evidence = add_evidence(answer, pdf(), coordinator)
    remove_evidence(evidence, coordinator)
    evidence.refresh_from_db()
    assert evidence.is_current is False
    assert evidence.removed_by == coordinator
    assert evidence.removed_at is not None
    assert default_storage.exists(evidence.file.name)
    entry = AuditEntry.objects.get(action="evidence.removed")
    assert entry.data["before"] == {"is_current": True}
    assert entry.data["after"] == {"is_current": False}


def test_remove_evidence_refuses_another_units_coordinator(answer, coordinator, make_user):
    evidence = add_evidence(answer, pdf(), coordinator)
    with pytest.raises(PermissionDenied):
        remove_evidence(evidence, make_user("coordinator"))
    evidence.refresh_from_db()
    assert evidence.is_current


def renewal_of(answer):
    previous = answer.application
    previous.state = ApplicationState.ACCEPTED
    previous.save(update_fields=["state"])
    application = ApplicationFactory(unit=previous.unit, round=RoundFactory(),
                                     kind=ApplicationKind.RENEWAL, previous=previous)
    return AnswerFactory(application=application, needs_confirmation=True)


def test_carry_forward_shares_the_stored_bytes(answer, coordinator):
    kept = add_evidence(answer, pdf("kept.pdf"), coordinator)
    gone = add_evidence(answer, pdf("gone.pdf"), coordinator)
    remove_evidence(gone, coordinator)
    new_answer = renewal_of(answer)
    carried = carry_forward(answer, new_answer, coordinator)
    assert len(carried) == 1
    copy = carried[0]
    copy.refresh_from_db()
    assert copy.answer == new_answer
    assert copy.file.name == kept.file.name
    assert copy.sha256 == kept.sha256
    assert copy.carried_from == kept
    assert copy.is_current and copy.version == 1
    assert copy.public_id != kept.public_id
    assert len(default_storage.listdir(f"evidence/{answer.application_id}")[1]) == 2
    assert not default_storage.exists(f"evidence/{new_answer.application_id}")
    assert AuditEntry.objects.filter(action="evidence.carried_forward",
                                     object_id=str(copy.pk)).count() == 1


def test_carry_forward_twice_adds_nothing_the_second_time(answer, coordinator):
    add_evidence(answer, pdf(), coordinator)
    new_answer = renewal_of(answer)
    carry_forward(answer, new_answer, coordinator)
    assert carry_forward(answer, new_answer, coordinator) == []
    assert EvidenceFile.objects.filter(answer=new_answer).count() == 1


def test_carry_forward_then_replace_leaves_the_previous_round_untouched(answer, coordinator):
    original = add_evidence(answer, pdf(), coordinator)
    new_answer = renewal_of(answer)
    [copy] = carry_forward(answer, new_answer, coordinator)
    replace_evidence(copy, pdf("new.pdf"), coordinator)
    original.refresh_from_db()
    assert original.is_current
    assert default_storage.exists(original.file.name)


def test_carry_forward_refuses_another_units_answer(answer, coordinator):
    add_evidence(answer, pdf(), coordinator)
    stranger = AnswerFactory()
    with pytest.raises(ValueError):
        carry_forward(answer, stranger, coordinator)
    assert EvidenceFile.objects.filter(answer=stranger).count() == 0


def test_carry_forward_refuses_an_application_that_is_not_editable(answer, coordinator):
    add_evidence(answer, pdf(), coordinator)
    new_answer = renewal_of(answer)
    new_answer.application.state = ApplicationState.SUBMITTED
    new_answer.application.save(update_fields=["state"])
    with pytest.raises(PermissionDenied):
        carry_forward(answer, new_answer, coordinator)
