"""The desk-review list: a round's applications with filters, export and bulk accept."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import ListView, View

from gecc.applications.domain import bulk_accept
from gecc.applications.enums import REVIEWABLE_STATES, ApplicationState
from gecc.applications.interfaces.exporters import EXPORT_FORMATS, export_review_list
from gecc.applications.interfaces.forms import ReviewFilterForm
from gecc.applications.models import Application
from gecc.applications.views.base import (
    ReviewAccessMixin,
    ReviewActionMixin,
    level_names,
    set_completeness,
    with_completeness,
    with_percent,
)
from gecc.audit.domain import log_export
from gecc.common.thaidate import format_be_stamp
from gecc.rounds.models import Round

PAGE_SIZE = 50


def review_filter(request):
    rounds = Round.objects.visible_to(request.user).order_by("-year")
    return ReviewFilterForm(request.GET, rounds=rounds)


def review_queryset(user, form):
    """The user's visible applications narrowed by the filters, with what the list shows."""
    queryset = form.filter(Application.objects.visible_to(user))
    return (with_completeness(queryset)
            .select_related("unit", "unit__organization", "unit__province")
            .order_by("unit__code", "pk"))


class ApplicationReviewListView(ReviewAccessMixin, ListView):
    template_name = "applications/review/list.html"
    context_object_name = "applications"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.filter_form = review_filter(self.request)
        return review_queryset(self.request.user, self.filter_form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        applications = set_completeness(list(context["applications"]))
        round_obj = self.filter_form.round
        names = level_names(round_obj) if round_obj else {}
        for application in applications:
            application.level_name = names.get(application.target_level,
                                                application.target_level)
            application.is_reviewable = application.state in REVIEWABLE_STATES
        can_review = self.request.user.has_perm("applications.review_application")
        context.update({
            "applications": applications,
            "filter_form": self.filter_form,
            "round": round_obj,
            "can_review": can_review,
            "selectable": can_review and any(a.is_reviewable for a in applications),
        })
        return context


class ApplicationReviewExportView(ReviewAccessMixin, View):
    """The filtered list (all pages) as XLSX or CSV."""

    def get(self, request):
        fmt = request.GET.get("fmt", "xlsx")
        if fmt not in EXPORT_FORMATS:
            raise Http404
        form = review_filter(request)
        if form.round is None:
            raise Http404
        exported = []  # the applications written, counted for the audit entry

        def applications():
            for application in review_queryset(request.user, form).iterator(chunk_size=2000):
                exported.append(application.pk)
                yield with_percent(application)

        content = export_review_list(applications(), level_names(form.round), fmt)
        log_export("applications.exported", request, obj=form.round,
                   data={"format": fmt, "rows": len(exported)})
        name = f"desk-review-{form.round.year}-{format_be_stamp(timezone.localdate())}.{fmt}"
        response = HttpResponse(content, content_type=EXPORT_FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def selected_ids(request) -> list[int]:
    ids = []
    for value in request.POST.getlist("ids"):
        if value.isdigit() and int(value) not in ids:
            ids.append(int(value))
    return ids


def safe_back(request) -> str:
    """The list address to go back to, only when it is a path on this site: "//host/…" or
    "/\\host/…" would send the reviewer to another site."""
    back = request.POST.get("back") or ""
    if back.startswith("/") and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()) \
            and not back.startswith(("//", "/\\")):
        return back
    return ""


class ApplicationBulkAcceptView(ReviewActionMixin, View):
    """POST the ticked applications: first a confirmation page listing them, then (with
    ``confirm``) the result, saying which were accepted and which not, and why."""

    template_name = "applications/review/bulk_accept.html"

    def post(self, request):
        ids = selected_ids(request)
        back = safe_back(request)
        applications = list(
            Application.objects.visible_to(request.user).filter(pk__in=ids)
            .select_related("unit", "unit__province", "round").order_by("unit__code", "pk"))
        if not applications:
            return redirect(back or "applications:review.list")
        if request.POST.get("confirm") != "yes":
            for application in applications:
                application.is_reviewable = application.state in REVIEWABLE_STATES
            return render(request, self.template_name, {
                "applications": applications, "back": back,
                "acceptable_count": sum(a.is_reviewable for a in applications)})
        outcome = bulk_accept(applications, request.user, request=request)
        return render(request, self.template_name, {
            "outcome": outcome, "back": back, "accepted_label":
            ApplicationState.ACCEPTED.label, "title": _("Result of the bulk acceptance")})
