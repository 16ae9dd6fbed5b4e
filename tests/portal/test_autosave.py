import pytest
from django.urls import reverse

from gecc.applications.domain import save_answer
from gecc.applications.models import Answer

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def answer_for(application, ref):
    return Answer.objects.select_related("item", "application__round__edition").get(
        application=application, item__ref=ref)


def save_url(answer):
    return reverse("portal:answer.save", kwargs={"pk": answer.pk})


def test_autosave_stores_and_answers_the_new_revision(coordinator_client, application):
    answer = answer_for(application, "P1.1")
    response = coordinator_client.post(save_url(answer), {
        "revision": "0", "score": "3", "explanation": "มีช่องจอด 20 ช่อง"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert (f'<input type="hidden" name="revision" value="1" id="answer-revision-{answer.pk}" '
            'hx-swap-oob="true">') in body
    assert "บันทึกแล้ว 10:00 น." in body
    assert 'id="assessment-progress" class="panel portal-progress" hx-swap-oob="true"' in body
    assert 'id="assessment-missing"' in body
    stored = answer_for(application, "P1.1")
    assert (stored.self_score, stored.explanation, stored.revision) == (3, "มีช่องจอด 20 ช่อง",
                                                                       1)


def test_autosave_updates_progress(coordinator_client, application):
    answer = answer_for(application, "P1.1")
    response = coordinator_client.post(save_url(answer), {
        "revision": "0", "score": "2", "explanation": ""}, **HTMX)
    progress = {entry.category.ref: (entry.answered, entry.total)
                for entry in response.context["progress"]}
    assert progress == {"P": (1, 2), "Q": (0, 1)}
    assert response.context["overall_percent"] == 33
    assert [m.ref for m in response.context["missing"]] == ["P1.2", "Q1.1"]


def test_autosave_with_a_stale_revision_is_409_and_overwrites_nothing(coordinator_client,
                                                                      application,
                                                                      make_user):
    answer = answer_for(application, "P1.1")
    save_answer(answer, self_score=4, explanation="บันทึกจากอีกหน้าต่าง", expected_revision=0,
                actor=make_user("coordinator"))
    response = coordinator_client.post(save_url(answer), {
        "revision": "0", "score": "1", "explanation": "ข้อความที่พิมพ์ไว้"}, **HTMX)
    assert response.status_code == 409
    body = response.content.decode()
    assert "คำตอบนี้ถูกแก้ไขจากที่อื่น" in body
    assert "บันทึกจากอีกหน้าต่าง" in body
    assert "ข้อความที่พิมพ์ไว้" in body
    assert reverse("portal:answer.detail", kwargs={"pk": answer.pk}) in body
    stored = answer_for(application, "P1.1")
    assert (stored.self_score, stored.explanation, stored.revision) == (
        4, "บันทึกจากอีกหน้าต่าง", 1)


def test_autosave_with_a_score_outside_the_scale_is_400_and_keeps_the_typing(
        coordinator_client, application):
    answer = answer_for(application, "P1.2")  # yes/no scale: 0 or 1
    response = coordinator_client.post(save_url(answer), {
        "revision": "0", "score": "3", "explanation": "มีป้ายครบทุกจุด"}, **HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == f"#answer-{answer.pk}"
    body = response.content.decode()
    assert "กรุณาเลือกคะแนนตามระดับของข้อนี้: 0, 1" in body
    assert ">มีป้ายครบทุกจุด</textarea>" in body
    assert answer_for(application, "P1.2").revision == 0


def test_autosave_of_a_non_number_is_400_in_thai(coordinator_client, application):
    answer = answer_for(application, "P1.1")
    response = coordinator_client.post(save_url(answer), {
        "revision": "0", "score": "สาม", "explanation": "ข้อความ"}, **HTMX)
    assert response.status_code == 400
    assert "คะแนนต้องเป็นจำนวนเต็มตามมาตรวัดของข้อนี้" in response.content.decode()


def test_plain_post_saves_and_returns_to_the_item(coordinator_client, application):
    answer = answer_for(application, "Q1.1")
    response = coordinator_client.post(save_url(answer), {
        "revision": "0", "score": "4", "explanation": "มีตู้รับเรื่อง"})
    assert response.status_code == 302
    assert response.url == reverse("portal:application.assessment",
                                   kwargs={"pk": application.pk}) + "?category=Q#item-Q1.1"
    assert answer_for(application, "Q1.1").self_score == 4


def test_plain_post_conflict_shows_both_versions(coordinator_client, application, coordinator):
    answer = answer_for(application, "Q1.1")
    save_answer(answer, self_score=2, explanation="ฉบับที่บันทึก", expected_revision=0,
                actor=coordinator)
    response = coordinator_client.post(save_url(answer), {
        "revision": "0", "score": "4", "explanation": "ฉบับที่พิมพ์"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "ฉบับที่บันทึก" in body and "ฉบับที่พิมพ์" in body
    assert answer_for(application, "Q1.1").explanation == "ฉบับที่บันทึก"


def test_not_applicable_is_saved(coordinator_client, application):
    answer = answer_for(application, "P1.2")
    response = coordinator_client.post(save_url(answer), {
        "revision": "0", "score": "na", "explanation": "อาคารชั้นเดียว"}, **HTMX)
    assert response.status_code == 200
    stored = answer_for(application, "P1.2")
    assert (stored.not_applicable, stored.self_score) == (True, None)


def test_reload_answer_gives_the_stored_card(coordinator_client, application, coordinator):
    answer = answer_for(application, "Q1.1")
    save_answer(answer, self_score=2, explanation="ฉบับล่าสุด", expected_revision=0,
                actor=coordinator)
    response = coordinator_client.get(reverse("portal:answer.detail", kwargs={"pk": answer.pk}),
                                      **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith("<article")  # the card alone, to swap in place
    assert f'name="revision" value="1" id="answer-revision-{answer.pk}"' in body
    assert ">ฉบับล่าสุด</textarea>" in body


def test_submitted_application_cannot_be_autosaved(coordinator_client, application,
                                                   coordinator):
    from gecc.applications.domain import submit_application
    from tests.applications.factories import answer_all

    answer_all(application)
    submit_application(application, coordinator)
    answer = answer_for(application, "Q1.1")
    response = coordinator_client.post(save_url(answer), {
        "revision": str(answer.revision), "score": "0", "explanation": ""}, **HTMX)
    # 409 with the reason, swapped into the answer's status (not a bare 403 nobody sees).
    assert response.status_code == 409
    assert "ยื่นจากแท็บอื่นหรืออุปกรณ์อื่นแล้ว" in response.content.decode()
    assert answer_for(application, "Q1.1").self_score == 2


def test_confirming_a_carried_forward_answer(coordinator_client, application):
    Answer.objects.filter(application=application, item__ref="Q1.1").update(
        needs_confirmation=True, self_score=3)
    answer = answer_for(application, "Q1.1")
    page = coordinator_client.get(reverse("portal:application.assessment",
                                          kwargs={"pk": application.pk}) + "?category=Q")
    assert 'data-testid="to-confirm"' in page.content.decode()
    response = coordinator_client.post(
        reverse("portal:answer.confirm", kwargs={"pk": answer.pk}), {"revision": "0"}, **HTMX)
    assert response.status_code == 200
    assert 'data-testid="to-confirm"' not in response.content.decode()
    stored = answer_for(application, "Q1.1")
    assert (stored.needs_confirmation, stored.self_score, stored.revision) == (False, 3, 1)


def test_autosave_that_changes_nothing_counted_leaves_the_panels_out(coordinator_client,
                                                                      application):
    """A reworded explanation (or another score) moves no count: the answer carries the
    status and the revision only, not the index of categories and the missing list."""
    answer = answer_for(application, "P1.1")
    coordinator_client.post(save_url(answer), {
        "revision": "0", "score": "3", "explanation": "ข้อความแรก"}, **HTMX)

    response = coordinator_client.post(save_url(answer), {
        "revision": "1", "score": "2", "explanation": "ข้อความที่แก้แล้ว"}, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert f'value="2" id="answer-revision-{answer.pk}"' in body
    assert 'id="assessment-progress"' not in body
    assert 'id="assessment-missing"' not in body
    stored = answer_for(application, "P1.1")
    assert (stored.self_score, stored.explanation, stored.revision) == (2, "ข้อความที่แก้แล้ว", 2)


def test_autosave_that_clears_an_answer_brings_the_panels_back(coordinator_client,
                                                               application):
    answer = answer_for(application, "P1.1")
    coordinator_client.post(save_url(answer), {
        "revision": "0", "score": "3", "explanation": ""}, **HTMX)

    response = coordinator_client.post(save_url(answer), {
        "revision": "1", "score": "", "explanation": ""}, **HTMX)

    body = response.content.decode()
    assert 'id="assessment-progress" class="panel portal-progress" hx-swap-oob="true"' in body
    assert 'data-testid="missing-P1.1"' in body


def test_autosave_query_count(coordinator_client, application, django_assert_max_num_queries):
    """Ten queries (the session, the user and their roles, the answer with its application,
    the units the coordinator holds, the edit check and lock, savepoints, the update, the
    audit entry), whatever the size of the criteria; there were 17 before the panels were
    left out of an answer that changes no count and the unit check was read once."""
    answer = answer_for(application, "P1.1")
    coordinator_client.post(save_url(answer), {
        "revision": "0", "score": "3", "explanation": "ก"}, **HTMX)
    with django_assert_max_num_queries(10):
        response = coordinator_client.post(save_url(answer), {
            "revision": "1", "score": "3", "explanation": "ข"}, **HTMX)
    assert response.status_code == 200


def test_a_retried_save_already_stored_answers_saved_not_conflict(coordinator_client,
                                                                   application,
                                                                   coordinator):
    """The page retries a save whose answer it never got (the connection broke after the
    commit): the same change is stored already, so it answers as saved, with the stored
    revision and the panels, and writes nothing more."""
    answer = answer_for(application, "P1.1")
    typed = {"revision": "0", "score": "3", "explanation": "มีช่องจอด 20 ช่อง "}
    first = coordinator_client.post(save_url(answer), typed, **HTMX)
    assert first.status_code == 200

    retry = coordinator_client.post(save_url(answer), typed, **HTMX)

    assert retry.status_code == 200
    body = retry.content.decode()
    assert (f'<input type="hidden" name="revision" value="1" id="answer-revision-{answer.pk}" '
            'hx-swap-oob="true">') in body
    assert "บันทึกแล้ว" in body
    assert 'id="assessment-missing"' in body
    stored = answer_for(application, "P1.1")
    assert (stored.self_score, stored.explanation, stored.revision) == (3, "มีช่องจอด 20 ช่อง",
                                                                       1)


@pytest.mark.parametrize("typed", [
    {"score": "2", "explanation": "มีช่องจอด 20 ช่อง"},
    {"score": "3", "explanation": "มีช่องจอด 21 ช่อง"},
    {"score": "", "explanation": "มีช่องจอด 20 ช่อง"},
], ids=["other score", "other text", "cleared"])
def test_a_stale_save_of_other_content_is_still_a_conflict(coordinator_client, application,
                                                           coordinator, typed):
    answer = answer_for(application, "P1.1")
    save_answer(answer, self_score=3, explanation="มีช่องจอด 20 ช่อง", expected_revision=0,
                actor=coordinator)

    response = coordinator_client.post(save_url(answer), {"revision": "0", **typed}, **HTMX)

    assert response.status_code == 409
    assert answer_for(application, "P1.1").revision == 1
