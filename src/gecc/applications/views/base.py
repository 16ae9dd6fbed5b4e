"""Access rules and queries shared by the desk-review screens."""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.applications.domain.answers import ANSWERED
from gecc.applications.models import Answer, Application
from gecc.criteria.interfaces.labels import level_display_name


class ReviewAccessMixin(AllowedUserRequiredMixin):
    """The secretariat and the sub-committee members may look
    (``applications.read_desk_review``); anonymous → sign-in page; anyone else (a unit
    coordinator, the steering committee) → 403. Rows are then limited by ``visible_to``: a
    member sees only their team's confirmed applications, never one they have a conflict of
    interest with; any other application is a 404."""

    def allowed(self, user):
        return user.has_perm("applications.read_desk_review")


class ReviewActionMixin(ReviewAccessMixin):
    """Only desk reviewers (the secretariat) may change anything."""

    def allowed(self, user):
        return user.has_perm("applications.review_application")


def _answer_count(condition=None):
    answers = Answer.objects.filter(application=OuterRef("pk"))
    if condition is not None:
        answers = answers.filter(condition)
    counted = answers.order_by().values("application").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_completeness(queryset):
    """Annotate ``answer_count`` and ``answered_count`` with one subquery each (evaluated
    in the same SQL statement, so a page costs one query whatever its length)."""
    return queryset.annotate(answer_count=_answer_count(),
                             answered_count=_answer_count(ANSWERED))


def set_completeness(applications):
    """``application.completeness``: the percentage of answered items, from the
    annotations of :func:`with_completeness`."""
    for application in applications:
        with_percent(application)
    return applications


def with_percent(application):
    total = application.answer_count
    application.completeness = round(100 * application.answered_count / total) \
        if total else 0
    return application


def level_names(round_obj) -> dict:
    """``{level code: name}`` of the round's criteria in the interface language (the English
    name in English when the edition has one, else the Thai name)."""
    return {level.get("code"): level_display_name(level)
            for level in round_obj.edition.levels or []}


def get_visible_application(user, pk):
    """The application, or 404 when it does not exist or the user may not see it."""
    return get_object_or_404(
        Application.objects.visible_to(user).select_related(
            "round", "round__edition", "round__edition__edition", "unit",
            "unit__organization", "unit__province", "unit__district"),
        pk=pk)
