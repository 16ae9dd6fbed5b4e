"""One application under desk review: the unit, the screening checklist, the
self-assessment with evidence and comments, and the decisions (return, accept, reject)."""

from dataclasses import dataclass, field

from csp.constants import SELF
from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from gecc.applications.domain import (
    ConcurrentEditError,
    accept_for_site_visit,
    add_review_comment,
    record_screening,
    reject,
    resolve_comment,
    return_for_correction,
    screening_complete,
)
from gecc.applications.domain.receipts import changes_since_return
from gecc.applications.domain.transitions import can
from gecc.applications.enums import REVIEWABLE_STATES, ApplicationAction, ApplicationState
from gecc.applications.interfaces.forms import (
    AcceptForm,
    CommentForm,
    RejectForm,
    ReturnForm,
    ScreeningForm,
)
from gecc.applications.models import Answer, ReviewComment
from gecc.applications.views.base import (
    ReviewAccessMixin,
    ReviewActionMixin,
    get_visible_application,
    level_names,
)
from gecc.evidence.models.evidence_file import current_evidence_prefetch
from gecc.rounds.enums import localized_screening_checklist


@dataclass
class CriterionGroup:
    node: object
    answers: list = field(default_factory=list)


@dataclass
class CategoryGroup:
    node: object
    criteria: list = field(default_factory=list)
    answered: int = 0
    total: int = 0

    @property
    def percent(self):
        return round(100 * self.answered / self.total) if self.total else 0


def scale_labels(version) -> dict:
    """``{scale code: {value: Thai label}}``."""
    return {scale.get("code"): {int(point["value"]): point.get("label_th", "")
                                for point in scale.get("points", [])}
            for scale in version.scales or []}


def grouped_answers(application, comments_by_answer):
    """The answers with item, criterion, category, current evidence and comments, grouped
    by category and criterion in document order (three queries)."""
    answers = list(
        Answer.objects.filter(application=application)
        .select_related("item", "item__parent", "item__parent__parent")
        .prefetch_related(current_evidence_prefetch())
        .order_by("item__position"))
    version = application.round.edition
    labels = scale_labels(version)
    categories, by_category, by_criterion = [], {}, {}
    for answer in answers:
        criterion = answer.item.parent
        category = criterion.parent if criterion is not None else None
        key = category.pk if category is not None else None
        group = by_category.get(key)
        if group is None:
            group = by_category[key] = CategoryGroup(category)
            categories.append(group)
        criterion_key = criterion.pk if criterion is not None else None
        criterion_group = by_criterion.get(criterion_key)
        if criterion_group is None:
            criterion_group = by_criterion[criterion_key] = CriterionGroup(criterion)
            group.criteria.append(criterion_group)
        criterion_group.answers.append(answer)
        group.total += 1
        group.answered += answer.is_answered
        scale = labels.get(answer.item.scale or version.default_scale, {})
        answer.score_label = scale.get(answer.self_score, "") \
            if answer.self_score is not None else ""
        answer.comments = comments_by_answer.get(answer.pk, [])
    return categories


def application_comments(application):
    comments = list(ReviewComment.objects.filter(application=application)
                    .select_related("author", "resolved_by", "answer__item")
                    .order_by("created_at", "pk"))
    by_answer = {}
    for comment in comments:
        by_answer.setdefault(comment.answer_id, []).append(comment)
    return comments, by_answer


def mark_changes(categories, changes):
    """Attach each item's change since the return (``answer.change``) and give each change
    the answer it links to."""
    by_ref = {change.ref: change for change in changes or []}
    rows = []
    for group in categories:
        for criterion in group.criteria:
            for answer in criterion.answers:
                answer.change = by_ref.get(answer.item.ref)
                if answer.change is not None:
                    rows.append((answer.change, answer))
    return rows


@method_decorator(csp_update({"frame-src": [SELF]}), name="dispatch")
class ApplicationReviewDetailView(ReviewAccessMixin, TemplateView):
    """The desk review of one application. PDF evidence is previewed in an ``<iframe>`` of
    the protected download view, so this page (only) allows frames from this site."""

    template_name = "applications/review/detail.html"

    def get_context_data(self, screening_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        application = get_visible_application(user, kwargs["pk"])
        comments, by_answer = application_comments(application)
        can_review = user.has_perm("applications.review_application", application)
        reviewable = application.state in REVIEWABLE_STATES
        checklist = localized_screening_checklist(application.round.screening_checklist)
        categories = grouped_answers(application, by_answer)
        changes = changes_since_return(application)
        context.update({
            "changes": changes,
            "change_rows": mark_changes(categories, changes),
            "application": application,
            "unit": application.unit,
            "round": application.round,
            "level_name": level_names(application.round).get(application.target_level,
                                                              application.target_level),
            "categories": categories,
            "general_comments": by_answer.get(None, []),
            "all_comments": comments,
            "checklist": checklist,
            "screening_rows": [
                (entry, bool((application.screening or {}).get(entry["code"], {})
                             .get("checked")),
                 (application.screening or {}).get(entry["code"], {}).get("note", ""))
                for entry in checklist],
            "screening_form": screening_form or ScreeningForm(
                checklist=checklist, screening=application.screening),
            "screening_complete": screening_complete(application),
            "can_review": can_review,
            "can_screen": can_review and reviewable,
            "can_comment": can_review,
            "can_return": can_review and can(application.state, ApplicationAction.RETURN),
            "can_accept": can_review and can(application.state, ApplicationAction.ACCEPT),
            "can_reject": can_review and can(application.state, ApplicationAction.REJECT),
        })
        return context


def detail_url(application, anchor=""):
    url = reverse("applications:review.detail", kwargs={"pk": application.pk})
    return f"{url}#{anchor}" if anchor else url


class ApplicationScreeningView(ReviewActionMixin, View):
    """Save the screening checklist (``record_screening``)."""

    def post(self, request, pk):
        application = get_visible_application(request.user, pk)
        checklist = localized_screening_checklist(application.round.screening_checklist)
        form = ScreeningForm(request.POST, checklist=checklist)
        if form.is_valid():
            try:
                record_screening(application, request.user, form.checks(), request=request)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The screening was saved."))
            return redirect(detail_url(application, "screening"))
        view = ApplicationReviewDetailView(request=request, kwargs={"pk": pk})
        return render(request, view.template_name,
                      view.get_context_data(pk=pk, screening_form=form), status=400)


def is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def render_comment_block(request, application, answer, form=None, status=200):
    comments = ReviewComment.objects.filter(application=application, answer=answer)\
        .select_related("author", "resolved_by").order_by("created_at", "pk")
    return render(request, "applications/review/_comments.html", {
        "application": application, "answer": answer, "comments": list(comments),
        "comment_form": form or CommentForm(initial={"answer": answer.pk if answer else None}),
        "can_comment": True}, status=status)


class ReviewCommentCreateView(ReviewActionMixin, View):
    """Add a comment on the application or on one answer; with htmx the answer's comment
    block is sent back, otherwise the page is reloaded at that answer."""

    def post(self, request, pk):
        application = get_visible_application(request.user, pk)
        form = CommentForm(request.POST)
        answer = None
        if form.is_valid():
            if form.cleaned_data["answer"]:
                answer = get_object_or_404(Answer, application=application,
                                           pk=form.cleaned_data["answer"])
            try:
                add_review_comment(application, request.user, form.cleaned_data["text"],
                                   answer=answer, request=request)
            except ValidationError as exc:
                form.add_error("text", exc.messages)
            else:
                if is_htmx(request):
                    return render_comment_block(request, application, answer)
                messages.success(request, _("The comment was added."))
                return redirect(detail_url(application, comment_anchor(answer)))
        elif str(request.POST.get("answer", "")).isdigit():
            answer = Answer.objects.filter(application=application,
                                           pk=request.POST["answer"]).first()
        if is_htmx(request):
            return render_comment_block(request, application, answer, form, status=400)
        messages.error(request, " ".join(form.errors.get("text", [])))
        return redirect(detail_url(application, comment_anchor(answer)))


def comment_anchor(answer):
    return f"comments-{answer.pk}" if answer is not None else "comments-general"


class ReviewCommentResolveView(ReviewActionMixin, View):
    def post(self, request, pk, comment_pk):
        application = get_visible_application(request.user, pk)
        comment = get_object_or_404(ReviewComment.objects.select_related("answer"),
                                    application=application, pk=comment_pk)
        resolve_comment(comment, request.user, request=request)
        if is_htmx(request):
            return render_comment_block(request, application, comment.answer)
        messages.success(request, _("The comment was marked as resolved."))
        return redirect(detail_url(application, comment_anchor(comment.answer)))


# -- decisions -------------------------------------------------------------------------------


class DecisionView(ReviewActionMixin, View):
    """A decision on one application: GET shows what will change and asks to confirm (with
    the fields the decision needs); POST calls the domain function."""

    template_name = "applications/review/decision.html"
    form_class = AcceptForm
    action = None
    title = ""
    target_state = None
    button = ""
    button_class = "button"

    def get_application(self):
        application = get_visible_application(self.request.user, self.kwargs["pk"])
        if not can(application.state, self.action):
            raise Http404
        return application

    def initial(self, application):
        return {"version": application.version}

    def context(self, application, form):
        return {"application": application, "unit": application.unit, "form": form,
                "title": self.title, "button": self.button, "button_class": self.button_class,
                "current_label": ApplicationState(application.state).label,
                "target_label": ApplicationState(self.target_state).label,
                "screening_complete": screening_complete(application),
                "open_comments": [c for c in application_comments(application)[0]
                                  if not c.is_resolved],
                "decision": self.action, "target_state": self.target_state}

    def get(self, request, pk):
        application = self.get_application()
        form = self.form_class(initial=self.initial(application))
        return render(request, self.template_name, self.context(application, form))

    def post(self, request, pk):
        application = get_visible_application(request.user, pk)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.perform(application, form)
            except ConcurrentEditError as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, self.success_message(application))
                return redirect(detail_url(application))
        return render(request, self.template_name, self.context(application, form),
                      status=400)

    def perform(self, application, form):
        raise NotImplementedError

    def success_message(self, application):
        return _("The application of %(unit)s is now “%(state)s”.") % {
            "unit": application.unit.name_th,
            "state": ApplicationState(application.state).label}


def add_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ApplicationReturnView(DecisionView):
    form_class = ReturnForm
    action = ApplicationAction.RETURN
    target_state = ApplicationState.RETURNED
    title = gettext_lazy("Return for correction")
    button = gettext_lazy("Return to the unit")

    def perform(self, application, form):
        return_for_correction(application, self.request.user,
                              form.cleaned_data["return_deadline"], form.comment_lines(),
                              expected_version=form.cleaned_data["version"],
                              request=self.request)


class ApplicationAcceptView(DecisionView):
    form_class = AcceptForm
    action = ApplicationAction.ACCEPT
    target_state = ApplicationState.ACCEPTED
    title = gettext_lazy("Accept for site visit")
    button = gettext_lazy("Accept for site visit")

    def perform(self, application, form):
        accept_for_site_visit(application, self.request.user,
                              expected_version=form.cleaned_data["version"],
                              request=self.request)


class ApplicationRejectView(DecisionView):
    form_class = RejectForm
    action = ApplicationAction.REJECT
    target_state = ApplicationState.REJECTED
    title = gettext_lazy("Reject the application")
    button = gettext_lazy("Reject")
    button_class = "button danger"

    def perform(self, application, form):
        reject(application, self.request.user, form.cleaned_data["rejection_reason"],
               expected_version=form.cleaned_data["version"], request=self.request)
