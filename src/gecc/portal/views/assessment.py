"""The self-assessment: one category of items per page (with an index of every category
and its progress), and autosave of one answer at a time.

Saving goes through ``gecc.applications.domain.save_answer`` with the revision the page was
loaded at: a save from a stale page answers 409 with both versions and writes nothing.
With htmx the answer's status, its revision and the progress panels are swapped in place;
without JavaScript each answer's form is a plain POST that comes back to the item's anchor
(in its category). The page's script (``portal/assessment.js``) saves a change typed just
before the user leaves, and warns while a save is still on its way or has failed.
"""

import contextlib
import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from gecc.applications.domain import (
    ConcurrentEditError,
    assessment_state,
    confirm_answer,
    edit_refusal,
    save_answer,
)
from gecc.applications.domain.editing import (
    APPLICATIONS_CLOSED,
    CORRECTIONS_CLOSED,
    NOT_EDITABLE,
)
from gecc.applications.models import Answer, ReviewComment
from gecc.common.urls import reverse_one
from gecc.evidence.models import current_evidence_prefetch

from .base import PortalView, get_answer, get_application

NOT_APPLICABLE = "na"


# -- helpers -------------------------------------------------------------------------------


def scale_points(edition) -> dict:
    """Scale code → its points (value, Thai and English label), from the edition's JSON."""
    return {scale.get("code"): scale.get("points", []) for scale in edition.scales or []}


def stored_choice(answer) -> str:
    if answer.not_applicable:
        return NOT_APPLICABLE
    return "" if answer.self_score is None else str(answer.self_score)


def decorate(answer, points, default_scale, *, choice=None, explanation=None):
    """Give ``answer`` what its card shows: the score choices (with the one checked), and the
    explanation in the form (the stored one, or what the user typed)."""
    choice = stored_choice(answer) if choice is None else choice
    answer.form_choice = choice
    answer.form_explanation = answer.explanation if explanation is None else explanation
    answer.choices = [
        {"value": str(point["value"]), "label": point.get("label_th") or str(point["value"]),
         "label_en": point.get("label_en", ""), "checked": str(point["value"]) == choice}
        for point in points.get(answer.item.scale or default_scale, [])
    ]
    answer.na_checked = choice == NOT_APPLICABLE
    return answer


def completeness(answer) -> tuple:
    """What of an answer the progress index and the missing list count: answered or not,
    N/A, still to confirm. A save that leaves it unchanged (a reworded explanation, another
    score) changes neither panel, so the autosave answer leaves them out."""
    return (answer.self_score is None, answer.not_applicable, answer.needs_confirmation)


def assessment_url(application_id, category=None, item=None) -> str:
    """The self-assessment page of one category (the first without ``category``), at one
    item's anchor when ``item`` is given."""
    url = reverse_one("portal:application.assessment", pk=application_id)
    if category:
        url += "?" + urlencode({"category": category})
    return url + (f"#item-{item}" if item else "")


def category_of(item):
    """The category node an item belongs to (item → criterion → category), or None."""
    criterion = item.parent
    return criterion.parent if criterion is not None else None


def answer_url(answer) -> str:
    category = category_of(answer.item)
    return assessment_url(answer.application_id, category.ref if category else None,
                          answer.item.ref)


def open_comments_prefetch():
    return Prefetch("review_comments",
                    queryset=ReviewComment.objects.filter(resolved_at__isnull=True)
                    .order_by("created_at", "pk"),
                    to_attr="open_comments")


def load_answer_for_card(user, pk):
    """One answer with everything its card needs (evidence and open comments included)."""
    answer = get_answer(user, pk)
    answer = (Answer.objects.select_related(
        "item", "item__parent", "item__parent__parent", "application",
        "application__round", "application__round__edition", "application__unit")
        .prefetch_related(current_evidence_prefetch(), open_comments_prefetch())
        .get(pk=answer.pk))
    return answer


def overall_percent(progress) -> int:
    total = sum(entry.total for entry in progress)
    answered = sum(entry.answered for entry in progress)
    return round(100 * answered / total) if total else 100


def progress_context(application, current=None, state=None) -> dict:
    """The index of categories (with ``current``, the category on show, marked) and the
    list of what is missing: what the page shows and every autosave answer swaps in."""
    state = assessment_state(application) if state is None else state
    progress, missing = state.progress, state.missing
    return {"application": application, "progress": progress,
            "overall_percent": overall_percent(progress), "missing": missing,
            "missing_panel": MissingPanel(application, missing),
            "to_confirm_count": sum(1 for entry in missing if entry.answer.needs_confirmation),
            "current_category": getattr(current, "ref", current), "collapse_missing": True}


class MissingPanel:
    """The folded list of what is still missing, as HTML, from the cache when the same list
    was shown before: ``{{ missing_panel.html }}`` on the page, ``{{ missing_panel.oob }}`` in
    an autosave's answer. The key names the application, the language and every entry (item,
    reasons, category); an item's text never changes once its version is published."""

    def __init__(self, application, missing):
        self.application = application
        self.missing = missing

    def _render(self, oob):
        entries = "|".join(f"{entry.answer.item_id}:{entry.ref}:{','.join(entry.reasons)}:"
                           f"{entry.answer.category_ref}" for entry in self.missing)
        key = (f"portal:missing:{self.application.pk}:"
               f"{digest(self.application.pk, translation.get_language(), oob, entries)}")
        html = cache.get(key)
        if html is None:
            html = get_template("portal/application/_missing.html").render({
                "application": self.application, "missing": self.missing,
                "collapse_missing": True, "oob": oob})
            cache.set(key, html, CARD_CACHE_SECONDS)
        return mark_safe(html)  # rendered by our own template, escaped there

    def html(self):
        return self._render(False)

    def oob(self):
        return self._render(True)


def card_context(request, answer, **extra) -> dict:
    application = answer.application
    if not hasattr(answer, "choices"):
        edition = application.round.edition
        decorate(answer, scale_points(edition), edition.default_scale)
    answer.back_url = answer_url(answer)
    return {"answer": answer, "application": application,
            "can_edit": request.user.has_perm("applications.change_application", application),
            "edit_refusal": edit_refusal(application), **extra}


def group_answers(answers) -> list[dict]:
    """Answers in document order → categories → criteria → answers."""
    categories, by_category, by_criterion = [], {}, {}
    for answer in answers:
        criterion = answer.item.parent
        category = criterion.parent if criterion is not None else None
        key = category.pk if category is not None else None
        if key not in by_category:
            by_category[key] = {"node": category, "criteria": []}
            categories.append(by_category[key])
        ckey = criterion.pk if criterion is not None else None
        if ckey not in by_criterion:
            by_criterion[ckey] = {"node": criterion, "answers": []}
            by_category[key]["criteria"].append(by_criterion[ckey])
        by_criterion[ckey]["answers"].append(answer)
    return categories


# -- views ---------------------------------------------------------------------------------


class ApplicationAssessmentView(PortalView):
    """One category of the items the unit answers (``?category=<ref>``, the first one by
    default), grouped by criterion, with autosave; the index of every category with its
    progress, and what is still missing. ``?item=<ref>`` goes to that item's category."""

    def get(self, request, pk):
        application = get_application(request.user, pk)
        if "item" in request.GET:
            return HttpResponseRedirect(item_location(application, request.GET["item"]))
        state = assessment_state(application)
        progress = state.progress
        index = current_index(progress, request.GET.get("category"))
        current = progress[index] if progress else None
        edition = application.round.edition
        points = scale_points(edition)
        # The open comments of the whole application in one query: the answers' (each on
        # its card) and the general ones (at the top).
        comments = {}
        for comment in (ReviewComment.objects.filter(application=application,
                                                     resolved_at__isnull=True)
                        .order_by("created_at", "pk")):
            comments.setdefault(comment.answer_id, []).append(comment)
        answers = []
        if current is not None:
            answers = list(
                Answer.objects.filter(application=application,
                                      item__parent__parent=current.category)
                .select_related("item", "item__parent", "item__parent__parent")
                .prefetch_related(current_evidence_prefetch())
                .order_by("item__position"))
        can_edit = request.user.has_perm("applications.change_application", application)
        refusal = edit_refusal(application)
        for answer in answers:
            answer.application = application  # shared: no query per answer
            answer.open_comments = comments.get(answer.pk, [])
            answer.back_url = answer_url(answer)
        render_cards(request, answers, can_edit, refusal,
                     lambda answer: decorate(answer, points, edition.default_scale))
        context = {
            **progress_context(application, current.category if current else None, state),
            "current": current,
            "previous_entry": progress[index - 1] if current and index > 0 else None,
            "next_entry": progress[index + 1] if current and index + 1 < len(progress) else None,
            "categories": group_answers(answers),
            "answer_count": len(answers),
            "can_edit": can_edit,
            "edit_refusal": refusal,
            "general_comments": comments.get(None, []),
        }
        return render(request, "portal/application/assessment.html", context)


CARD_CACHE_SECONDS = 3600


def digest(*parts) -> str:
    """A short SHA-256 of ``parts`` joined: the variable end of a fragment's cache key."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def card_cache_key(request, answer, can_edit, refusal) -> str:
    """What an answer's card shows, as a cache key: the answer at its revision (every save
    and confirmation moves it), its current evidence files and open comments, whether it
    may be changed, the language, the page it returns to, and the CSRF secret of the
    session whose forms carry it (a new sign-in, a new secret, a new card). The criteria item
    (text, guidance, scale) never changes once its version is published."""
    parts = [
        answer.pk, answer.revision, can_edit, refusal or "", translation.get_language(),
        answer.back_url, csrf_secret(request),
        ",".join(f"{file.pk}.{file.version}" for file in answer.current_evidence),
        ",".join(str(comment.pk) for comment in answer.open_comments),
    ]
    return f"portal:card:{answer.pk}:{digest(*parts)}"


def csrf_secret(request) -> str:
    """A digest of the session's CSRF secret (``get_token`` makes one if needed)."""
    secret_digest = getattr(request, "_csrf_secret_digest", None)
    if secret_digest is None:
        get_token(request)
        secret_digest = request._csrf_secret_digest = digest(request.META.get("CSRF_COOKIE", ""))
    return secret_digest


def render_cards(request, answers, can_edit, refusal, decorate_answer):
    """Give each answer its card's HTML (``answer.card_html``): from the cache when the same
    card was shown before (the key names everything the card shows), rendered otherwise
    (one ``get_many`` and one ``set_many`` for the page). A category's cards are most of
    the page's work, and a coordinator moves back and forth between categories while only
    the card just saved has changed."""
    keys = {answer.pk: card_cache_key(request, answer, can_edit, refusal) for answer in answers}
    cached = cache.get_many(list(keys.values())) if keys else {}
    template = get_template("portal/answer/card.html")
    token = get_token(request)
    fresh = {}
    for answer in answers:
        html = cached.get(keys[answer.pk])
        if html is None:
            decorate_answer(answer)
            html = template.render({"answer": answer, "application": answer.application,
                                    "can_edit": can_edit, "edit_refusal": refusal,
                                    "request": request, "csrf_token": token})
            fresh[keys[answer.pk]] = html
        answer.card_html = mark_safe(html)  # rendered by our own template, escaped there
    if fresh:
        cache.set_many(fresh, CARD_CACHE_SECONDS)


def current_index(progress, ref) -> int:
    """Where category ``ref`` stands in the index (an unknown or missing ref: the first)."""
    for index, entry in enumerate(progress):
        if entry.category.ref == ref:
            return index
    return 0


def item_location(application, ref) -> str:
    """Where an item of the application is shown: its category, at its anchor. An old link
    (``…/assessment/#item-P1.1``) is sent here by the page's script as ``?item=P1.1``. An
    item the application does not have: the first category, at the top of the items (an
    explicit anchor, so the browser drops the old one and the script does not ask again)."""
    category = (Answer.objects.filter(application=application, item__ref=ref)
                .values_list("item__parent__parent__ref", flat=True).first())
    if category is None:
        return assessment_url(application.pk) + "#assessment-items"
    return assessment_url(application.pk, category, ref)


def parse_choice(raw):
    """The posted score choice → (self_score, not_applicable), or raise ValidationError."""
    raw = (raw or "").strip()
    if raw == "":
        return None, False
    if raw == NOT_APPLICABLE:
        return None, True
    try:
        return int(raw), False
    except ValueError:
        raise ValidationError({"self_score": _("The score must be a whole number from the "
                                               "item's scale.")}) from None


def error_messages(exc) -> list[str]:
    return list(exc.messages)


class AnswerSaveView(PortalView):
    """Save one answer (autosave with htmx, or a plain POST without JavaScript)."""

    def post(self, request, pk):
        answer = get_answer(request.user, pk)
        application = answer.application
        if not request.user.has_perm("applications.change_application", application):
            code = edit_refusal(application)
            if code is not None:
                return self.not_editable(request, answer, code)
            raise PermissionDenied(_("This application can no longer be changed."))
        edition = application.round.edition
        points = scale_points(edition)
        choice = request.POST.get("score", "")
        explanation = request.POST.get("explanation", "")
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            return self.refuse(request, answer, points, edition, choice, explanation,
                               [_("The form is out of date. Reload the page.")])
        counted_before = completeness(answer)
        try:
            self_score, not_applicable = parse_choice(choice)
            save_answer(answer, self_score=self_score, not_applicable=not_applicable,
                        explanation=explanation, expected_revision=revision,
                        actor=request.user, request=request)
        except ConcurrentEditError:
            stored = Answer.objects.select_related("updated_by").get(pk=answer.pk)
            if not already_stored(stored, self_score, not_applicable, explanation):
                return self.conflict(request, answer, points, edition, choice, explanation,
                                     stored)
            # The page's retry of a save whose answer never reached it (the connection
            # broke after the commit, say during a database restart): what was typed is
            # stored, so this is no conflict. Nothing is written; it answers as saved, with
            # the stored revision.
            answer.revision, answer.updated_at = stored.revision, stored.updated_at
            answer.self_score, answer.not_applicable = stored.self_score, stored.not_applicable
            answer.explanation = stored.explanation
            answer.needs_confirmation = stored.needs_confirmation
            counted_before = None  # the page missed the first answer's panels: send them
        except ValidationError as exc:
            codes = {error.code for error in getattr(exc, "error_list", [])}
            refused = codes & {NOT_EDITABLE, APPLICATIONS_CLOSED, CORRECTIONS_CLOSED}
            if refused:
                return self.not_editable(request, answer, refused.pop())
            return self.refuse(request, answer, points, edition, choice, explanation,
                               error_messages(exc), revision)
        if not request.htmx:
            return HttpResponseRedirect(answer_url(answer))
        decorate(answer, points, edition.default_scale)
        saved_at = timezone.localtime(answer.updated_at).strftime("%H:%M")
        context = {**card_context(request, answer), "saved_at": saved_at}
        if completeness(answer) != counted_before:
            # The answer moved between answered and not (or was confirmed): the index of
            # categories and the list of what is missing change, and come along.
            context.update(progress_context(application, category_of(answer.item)),
                           panels=True)
        return render(request, "portal/answer/saved.html", context)

    def refuse(self, request, answer, points, edition, choice, explanation, errors,
               revision=None):
        """400: nothing saved; the card comes back with the message and what was typed (and
        the revision the user was editing, so a later save still detects a conflict)."""
        if revision is not None:
            answer.revision = revision
        decorate(answer, points, edition.default_scale, choice=choice, explanation=explanation)
        answer = attach_card_data(answer)
        context = card_context(request, answer, errors=errors)
        if request.htmx:
            response = render(request, "portal/answer/card.html", context, status=400)
            response["HX-Retarget"] = f"#answer-{answer.pk}"
            response["HX-Reswap"] = "outerHTML"
            return response
        return render(request, "portal/answer/detail.html", context, status=400)

    def not_editable(self, request, answer, code=NOT_EDITABLE):
        """409: nothing is saved and the page says why: the application was submitted (or
        withdrawn) since this page was loaded, in another tab or on another device; or the
        round stopped accepting applications (or the correction deadline passed)."""
        message = not_editable_message(code)
        if request.htmx:
            return render(request, "portal/answer/not_editable.html",
                          {"answer": answer, "message": message, "code": code,
                           "reload_url": answer_url(answer)}, status=409)
        messages.error(request, message)
        return HttpResponseRedirect(answer_url(answer))

    def conflict(self, request, answer, points, edition, choice, explanation, stored):
        """409: saved elsewhere since it was loaded; show both versions, write nothing."""
        stored.item = answer.item
        typed_score, typed_na = None, False
        with contextlib.suppress(ValidationError):
            typed_score, typed_na = parse_choice(choice)
        context = {"answer": answer, "stored": stored, "typed_score": typed_score,
                   "typed_na": typed_na, "typed_explanation": explanation.strip()}
        if request.htmx:
            return render(request, "portal/answer/conflict.html", context, status=409)
        decorate(answer, points, edition.default_scale, choice=choice, explanation=explanation)
        answer = attach_card_data(answer)
        return render(request, "portal/answer/detail.html",
                      card_context(request, answer, conflict=context), status=409)


def already_stored(stored, self_score, not_applicable, explanation) -> bool:
    """The answer as stored is exactly what this save would write (a save also confirms a
    carried-forward answer, so one still to confirm is not)."""
    return (stored.self_score == self_score and stored.not_applicable == bool(not_applicable)
            and stored.explanation == (explanation or "").strip()
            and not stored.needs_confirmation)


def not_editable_message(code) -> str:
    if code == APPLICATIONS_CLOSED:
        return _("Applications are closed: the round no longer accepts applications, so this "
                 "application can no longer be changed and this change was not saved.")
    if code == CORRECTIONS_CLOSED:
        return _("The deadline for the corrections has passed, so this application can no "
                 "longer be changed and this change was not saved.")
    return _("This application was submitted in another tab or on another device, so "
             "it can no longer be changed and this change was not saved. Reload the "
             "page to see what was sent.")


def attach_card_data(answer):
    """Load the evidence files and open comments of an answer already in hand."""
    fresh = (Answer.objects.prefetch_related(current_evidence_prefetch(),
                                             open_comments_prefetch()).get(pk=answer.pk))
    answer.current_evidence = fresh.current_evidence
    answer.open_comments = fresh.open_comments
    return answer


class AnswerDetailView(PortalView):
    """One answer as it is stored: the card alone for htmx ("reload this answer"), or a
    page of its own."""

    def get(self, request, pk):
        answer = load_answer_for_card(request.user, pk)
        context = card_context(request, answer)
        if request.htmx:
            return render(request, "portal/answer/card.html", context)
        return render(request, "portal/answer/detail.html", context)


class AnswerConfirmView(PortalView):
    """Keep a carried-forward answer as it is."""

    def post(self, request, pk):
        answer = get_answer(request.user, pk)
        application = answer.application
        refusal = None
        if not request.user.has_perm("applications.change_application", application):
            refusal = edit_refusal(application)
            if refusal is None:
                raise PermissionDenied(_("This application can no longer be changed."))
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = None
        error = ""
        try:
            if refusal is not None:
                raise ValidationError(not_editable_message(refusal), code=refusal)
            confirm_answer(answer, actor=request.user, expected_revision=revision,
                           request=request)
        except ConcurrentEditError:
            error = _("This answer was changed elsewhere since you loaded it. Reload it, "
                      "check it, then confirm again.")
        except ValidationError as exc:
            error = " ".join(exc.messages)
        if not request.htmx:
            if error:
                messages.error(request, error)
            return HttpResponseRedirect(answer_url(answer))
        answer = load_answer_for_card(request.user, pk)
        context = {**card_context(request, answer, errors=[error] if error else []),
                   **progress_context(application, category_of(answer.item))}
        return render(request, "portal/answer/confirmed.html", context)
