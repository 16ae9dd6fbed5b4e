"""What the restart tests create and read inside the stack's own database.

These functions run in a Django process of the stack (``Stack.python``), never in the test
process: each prints one JSON document on its last line, which ``ask`` (in
``test_restarts``) reads back.
"""

import datetime
import json

PASSWORD = "ops-restart-2563"
TOTP_KEY_HEX = "6f70732d726573746172742d3235363321212121"
IMPORT_ORGANIZATION = "OPSORG"
MAIL_DOMAIN = "ops.example.go.th"


def emit(value):
    print(json.dumps(value, default=str))


def build():
    """A secretariat account (with its authenticator), a coordinator of one unit, a round
    open for applications now with a small criteria edition, and the unit's draft
    application with its empty answers; an organisation for the registry import."""
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gecc.registry.models import Organization
    from tests.applications.factories import make_application, make_round
    from tests.factories import UserFactory
    from tests.registry.factories import ServiceUnitFactory

    now = timezone.now()
    day = datetime.timedelta(days=1)
    secretariat = UserFactory(roles=["secretariat"], email="secretariat@ops.example.go.th",
                              password=PASSWORD)
    TOTPDevice.objects.create(user=secretariat, name="ops", key=TOTP_KEY_HEX, confirmed=True)
    coordinators, applications = [], []
    round_obj = make_round(secretariat, applications_open_at=now - day,
                           applications_close_at=now + 30 * day,
                           desk_review_end_at=now + 60 * day,
                           site_visits_start_at=now + 70 * day,
                           site_visits_end_at=now + 90 * day, decision_at=now + 100 * day,
                           announcement_at=now + 110 * day)
    for number in range(2):
        coordinator = UserFactory(roles=["coordinator"], password=PASSWORD,
                                  email=f"coordinator{number}@ops.example.go.th")
        unit = ServiceUnitFactory(coordinators=[coordinator])
        application = make_application(round_obj, unit, coordinator, now=now)
        coordinators.append(coordinator.email)
        applications.append({
            "pk": application.pk, "coordinator": coordinator.email,
            "answers": [{"pk": answer.pk, "revision": answer.revision, "ref": answer.item.ref}
                        for answer in application.answers.select_related("item")
                        .order_by("item__position")]})
    Organization.objects.create(code=IMPORT_ORGANIZATION, name_th="หน่วยงานทดสอบการนำเข้า")
    emit({"secretariat": secretariat.email, "coordinators": coordinators,
          "applications": applications})


def answers_and_audit(answer_pks):
    """Each answer as stored, with the revisions its audit entries name."""
    from gecc.applications.models import Answer
    from gecc.audit.models import AuditEntry

    answers = {answer.pk: answer for answer in Answer.objects.filter(pk__in=answer_pks)
               .select_related("item")}
    result = {}
    for pk, answer in answers.items():
        entries = AuditEntry.objects.filter(action="application.answer_saved",
                                            object_id=str(answer.application_id))
        revisions = {}
        for entry in entries:
            data = entry.data or {}
            if data.get("item") == answer.item.ref:
                revisions[str(data.get("revision"))] = (data.get("after") or {}).get(
                    "explanation")
        result[str(pk)] = {"revision": answer.revision, "explanation": answer.explanation,
                           "self_score": answer.self_score, "audited": revisions}
    emit(result)


def evidence_rows(application_pks):
    """Every evidence row of the applications: its stored name and SHA-256."""
    from gecc.evidence.models import EvidenceFile

    emit([{"name": row.file.name, "sha256": row.sha256, "original_name": row.original_name}
          for row in EvidenceFile.objects.filter(answer__application_id__in=application_pks)])


def queue_mail(prefix, count):
    """``count`` e-mails to ``count`` people, stored in the outbox in one transaction (as a
    bulk action does); their tasks go to the broker when it commits."""
    from django.db import transaction

    from gecc.common.outbox import notify

    pks = []
    with transaction.atomic():
        for number in range(count):
            address = f"{prefix}{number:03d}@{MAIL_DOMAIN}"
            [message] = notify("user.password_reset", recipients=[address], context={
                "user": {"get_full_name": f"ผู้ทดสอบ {number}"}, "email": address,
                "reset_url": f"/accounts/password/reset/ops/{prefix}{number}/"})
            pks.append(message.pk)
    emit(pks)


def outbox_state(pks):
    from collections import Counter

    from gecc.notifications.models import OutboxMessage

    rows = list(OutboxMessage.objects.filter(pk__in=pks).values_list("pk", "status", "to"))
    emit({"statuses": dict(Counter(status for _pk, status, _to in rows)),
          "by_pk": {str(pk): status for pk, status, _to in rows}})


def import_job(pk):
    from gecc.registry.models import ImportJob, ServiceUnit

    job = ImportJob.objects.get(pk=pk)
    codes = list(ServiceUnit.objects.filter(organization__code=IMPORT_ORGANIZATION)
                 .values_list("code", flat=True))
    emit({"status": job.status, "progress": job.progress, "row_count": job.row_count,
          "created": job.created_count, "errors": job.errors[:3], "units": len(codes),
          "distinct_units": len(set(codes))})


def latest_import_job():
    from gecc.registry.models import ImportJob

    emit(ImportJob.objects.order_by("-pk").values_list("pk", flat=True).first())
