"""After the deadline-rush load run: does the database hold exactly what the server
acknowledged? Run by ``bench/load_deadline.py`` in a Django process of the stack:

    python bench/load_check.py --records records.json

Prints one JSON object: how many acknowledged autosaves, uploads and submissions were
checked, how many answers hold a higher revision than the last acknowledged one that
unacknowledged saves sent afterwards explain, and ``lost``: one line per acknowledged
write the database does not hold (an empty list when nothing was lost).

- Autosave: the answer's stored revision, score, N/A and explanation are those of the last
  save the server acknowledged for it. A higher stored revision is accepted only when at
  least that many saves were sent after it without an answer (cut by the end of the run,
  say); a lower one, or other values at the same revision, is a lost write.
- Upload: a current evidence file of that answer with that name and SHA-256, whose stored
  bytes have the same SHA-256.
- Submission: the application is submitted, with a receipt (and the receipt number the
  coordinator was shown, when it was).
"""

import argparse
import hashlib
import json
from pathlib import Path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", required=True)
    args = parser.parse_args()

    import django

    django.setup()
    records = json.loads(Path(args.records).read_text())
    print(json.dumps(check(records), ensure_ascii=False))


def check(records):
    explained = [0]
    lost = [f"autosave: {line}" for line in check_autosaves(records, explained)]
    lost += [f"upload: {line}" for line in check_uploads(records["uploads"])]
    lost += [f"submission: {line}" for line in check_submissions(records["submissions"])]
    return {"autosaves": len(records["autosaves"]), "uploads": len(records["uploads"]),
            "submissions": len(records["submissions"]), "explained_higher": explained[0],
            "lost": lost}


def check_autosaves(records, explained):
    from gecc.applications.models import Answer

    acked = {int(pk): ack for pk, ack in records["autosaves"].items()}
    unacked = {int(pk): count for pk, count in records["unacknowledged_saves"].items()}
    stored = {row[0]: row[1:] for row in Answer.objects.filter(pk__in=acked).values_list(
        "pk", "revision", "self_score", "not_applicable", "explanation")}
    for pk, ack in sorted(acked.items()):
        if pk not in stored:
            yield f"answer {pk} is gone"
            continue
        revision, score, not_applicable, explanation = stored[pk]
        if revision == ack["revision"]:
            expected = (ack["score"], ack["not_applicable"], ack["explanation"].strip())
            if (score, not_applicable, explanation) != expected:
                yield (f"answer {pk} revision {revision}: stored {score!r}/{not_applicable}/"
                       f"{explanation[:40]!r}, acknowledged {expected[0]!r}/{expected[1]}/"
                       f"{expected[2][:40]!r}")
        elif revision > ack["revision"] and revision - ack["revision"] <= unacked.get(pk, 0):
            explained[0] += 1
        else:
            yield (f"answer {pk}: stored revision {revision}, acknowledged {ack['revision']} "
                   f"({unacked.get(pk, 0)} unacknowledged saves after it)")


def check_uploads(uploads):
    from gecc.evidence.models import EvidenceFile

    for upload in uploads:
        found = (EvidenceFile.objects.filter(answer_id=upload["answer"], sha256=upload["sha256"],
                                             original_name=upload["name"]).first())
        if found is None:
            yield f"answer {upload['answer']}: no file {upload['name']} ({upload['sha256'][:12]})"
            continue
        if not found.is_current:
            yield f"answer {upload['answer']}: {upload['name']} is no longer current"
        try:
            with found.file.open("rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
        except OSError as exc:
            yield f"answer {upload['answer']}: {upload['name']} cannot be read ({exc})"
            continue
        if digest != upload["sha256"]:
            yield f"answer {upload['answer']}: {upload['name']} stored bytes differ"


def check_submissions(submissions):
    from gecc.applications.models import Application, Submission

    states = dict(Application.objects.filter(pk__in=[int(pk) for pk in submissions])
                  .values_list("pk", "state"))
    receipts = {}
    for application_id, number in (Submission.objects.filter(
            application_id__in=[int(pk) for pk in submissions])
            .order_by("sequence").values_list("application_id", "number")):
        receipts[application_id] = number
    for pk, shown in submissions.items():
        pk = int(pk)
        if states.get(pk) != "submitted":
            yield f"application {pk} is {states.get(pk)!r}, not submitted"
        elif pk not in receipts:
            yield f"application {pk} has no receipt"
        elif shown and shown != receipts[pk]:
            yield f"application {pk}: receipt {receipts[pk]}, the coordinator was shown {shown}"


if __name__ == "__main__":
    main()
