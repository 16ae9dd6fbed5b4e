"""The coordinator's home, applying, an application's page, submitting and withdrawing.

Every change goes through a function of ``gecc.applications.domain``; the views only find
the user's objects, show the forms and the domain's messages.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.applications.domain import (
    assessment_state,
    edit_refusal,
    previous_application_for,
    progress_by_category,
    refusal_message,
    resubmit,
    submit_application,
    withdraw,
)
from gecc.applications.domain import create_application as domain_create_application
from gecc.applications.enums import ApplicationKind, ApplicationState
from gecc.applications.models import Application, Submission
from gecc.evidence.models import EvidenceFile
from gecc.portal.forms import ApplicationCreateForm, WithdrawForm, level_choices
from gecc.registry.models import ServiceUnit
from gecc.rounds.models import Round

from .assessment import overall_percent
from .base import PortalView, get_application

ANSWERED = Q(answers__self_score__isnull=False) | Q(answers__not_applicable=True)


def with_progress(queryset):
    return queryset.annotate(answer_total=Count("answers", distinct=True),
                             answer_done=Count("answers", filter=ANSWERED, distinct=True))


def percent(application) -> int:
    total = application.answer_total
    return round(100 * application.answer_done / total) if total else 100


def level_name(application) -> str:
    return dict(level_choices(application.round.edition)).get(application.target_level,
                                                              application.target_level)


class PortalHomeView(PortalView):
    """The coordinator's units, the rounds open for applications, and their applications."""

    def get(self, request):
        now = timezone.now()
        units = list(ServiceUnit.objects.visible_to(request.user)
                     .select_related("organization").order_by("code"))
        open_rounds = list(Round.objects.visible_to(request.user).open_for_applications()
                           .order_by("-year"))
        applications = list(with_progress(
            Application.objects.visible_to(request.user).filter(unit__in=units)
            .select_related("round")).order_by("-round__year", "-pk"))
        by_unit = {}
        for application in applications:
            application.percent = percent(application)
            by_unit.setdefault(application.unit_id, []).append(application)
        entries = []
        for unit in units:
            unit_applications = by_unit.get(unit.pk, [])
            rows = []
            for round_obj in open_rounds:
                live = next((a for a in unit_applications
                             if a.round_id == round_obj.pk and a.is_live), None)
                rows.append({"round": round_obj, "application": live,
                             "accepting": round_obj.accepting_applications(now)})
            shown = {row["application"].pk for row in rows if row["application"]}
            entries.append({"unit": unit, "rows": rows,
                            "others": [a for a in unit_applications if a.pk not in shown]})
        return render(request, "portal/home.html",
                      {"entries": entries, "open_rounds": open_rounds})


class ApplicationCreateView(PortalView):
    """Apply for one of the user's units in an open round."""

    def load(self, request, unit_id, round_id):
        unit = ServiceUnit.objects.visible_to(request.user).filter(pk=unit_id).first()
        round_obj = (Round.objects.visible_to(request.user).select_related("edition")
                     .filter(pk=round_id).first())
        if unit is None or round_obj is None \
                or not request.user.has_perm("applications.apply_for_unit", unit):
            raise Http404
        return unit, round_obj

    def closed(self, request, round_obj):
        messages.error(request, _("The round %(round)s is not accepting applications now.")
                       % {"round": round_obj})
        return HttpResponseRedirect(reverse("portal:home"))

    def form(self, request, unit, round_obj, data=None):
        previous = previous_application_for(unit, round_obj)
        user = request.user
        initial = {"kind": ApplicationKind.RENEWAL if previous else ApplicationKind.NEW,
                   "contact_name": user.full_name, "contact_phone": user.phone,
                   "contact_email": user.email}
        levels = level_choices(round_obj.edition)
        if levels:
            initial["target_level"] = levels[0][0]
        form = ApplicationCreateForm(data, initial=initial, edition=round_obj.edition,
                                     can_renew=previous is not None)
        return form, previous

    def render_form(self, request, unit, round_obj, form, previous, status=200):
        return render(request, "portal/application/create.html",
                      {"unit": unit, "round": round_obj, "form": form,
                       "previous": previous}, status=status)

    def get(self, request, unit_id, round_id):
        unit, round_obj = self.load(request, unit_id, round_id)
        if not round_obj.accepting_applications(timezone.now()):
            return self.closed(request, round_obj)
        form, previous = self.form(request, unit, round_obj)
        return self.render_form(request, unit, round_obj, form, previous)

    def post(self, request, unit_id, round_id):
        unit, round_obj = self.load(request, unit_id, round_id)
        form, previous = self.form(request, unit, round_obj, request.POST)
        if form.is_valid():
            try:
                application = domain_create_application(
                    round_obj, unit, actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The application was created as a draft. Fill in "
                                            "the self-assessment, then submit it."))
                return HttpResponseRedirect(reverse("portal:application.assessment",
                                                    kwargs={"pk": application.pk}))
        return self.render_form(request, unit, round_obj, form, previous)


def add_domain_errors(form, exc):
    """Put a domain ValidationError on the form: on its field when it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ApplicationDetailView(PortalView):
    """The application: summary, state, timeline, the secretariat's comments."""

    def get(self, request, pk):
        application = get_application(request.user, pk)
        comments = list(application.review_comments.select_related("answer__item")
                        .order_by("created_at", "pk"))
        progress = progress_by_category(application)
        user = request.user
        context = {
            "application": application,
            "level_name": level_name(application),
            "comments": comments,
            "open_comments": [c for c in comments if not c.is_resolved],
            "progress": progress,
            "overall_percent": overall_percent(progress),
            "can_edit": user.has_perm("applications.change_application", application),
            "can_submit": user.has_perm("applications.submit_application", application),
            "can_withdraw": user.has_perm("applications.withdraw_application", application),
            "is_returned": application.state == ApplicationState.RETURNED,
            "edit_refusal": edit_refusal(application),
            "receipts": list(application.submissions.select_related("application")
                             .order_by("-sequence")),
        }
        return render(request, "portal/application/detail.html", context)


class ApplicationReceiptView(PortalView):
    """The printable receipt of one sending of the application."""

    def get(self, request, pk, sequence):
        application = get_application(request.user, pk)
        receipt = (Submission.objects.visible_to(request.user).select_related("submitted_by")
                   .filter(application=application, sequence=sequence).first())
        if receipt is None:
            raise Http404
        return render(request, "portal/application/receipt.html",
                      {"application": application, "receipt": receipt,
                       "level_name": level_name(application)})


class ApplicationSubmitView(PortalView):
    """Confirm and send the application (or, once returned, send it back corrected)."""

    def context(self, request, application, **extra):
        evidence_count = EvidenceFile.objects.current().filter(
            answer__application=application).count()
        state = assessment_state(application)
        return {"application": application, "level_name": level_name(application),
                "progress": state.progress, "overall_percent": overall_percent(state.progress),
                "missing": state.missing, "evidence_count": evidence_count,
                "is_returned": application.state == ApplicationState.RETURNED, **extra}

    def check(self, request, application):
        if not request.user.has_perm("applications.submit_application", application):
            code = edit_refusal(application)
            messages.error(request, refusal_message(code) if code not in (None, "not_editable")
                           else _("This application cannot be submitted in its current "
                                  "state."))
            return HttpResponseRedirect(reverse("portal:application.detail",
                                                kwargs={"pk": application.pk}))
        return None

    def get(self, request, pk):
        application = get_application(request.user, pk)
        return self.check(request, application) or render(
            request, "portal/application/submit.html", self.context(request, application))

    def post(self, request, pk):
        application = get_application(request.user, pk)
        refused = self.check(request, application)
        if refused:
            return refused
        returned = application.state == ApplicationState.RETURNED
        try:
            if returned:
                resubmit(application, request.user, request=request)
            else:
                submit_application(application, request.user, request=request)
        except ValidationError as exc:
            return render(request, "portal/application/submit.html",
                          self.context(request, application, errors=exc.messages,
                                       error_code=exc.code if hasattr(exc, "code") else None),
                          status=400)
        messages.success(request, _("The corrected application was sent back to the "
                                    "secretariat.") if returned else
                         _("The application was submitted to the secretariat."))
        # The e-mail is sent after the commit, or later by the sweep if the broker is down.
        messages.info(request, _("A confirmation e-mail with the receipt will follow to the "
                                 "unit's coordinators."))
        return HttpResponseRedirect(reverse("portal:application.detail",
                                            kwargs={"pk": application.pk}))


class ApplicationWithdrawView(PortalView):
    """Confirm, then withdraw the application."""

    def allowed(self, request, application):
        if not request.user.has_perm("applications.withdraw_application", application):
            raise PermissionDenied(_("This application can no longer be withdrawn."))

    def get(self, request, pk):
        application = get_application(request.user, pk)
        self.allowed(request, application)
        return render(request, "portal/application/withdraw.html",
                      {"application": application, "form": WithdrawForm()})

    def post(self, request, pk):
        application = get_application(request.user, pk)
        self.allowed(request, application)
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                withdraw(application, request.user, form.cleaned_data["reason"],
                         request=request)
            except ValidationError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The application was withdrawn."))
                return HttpResponseRedirect(reverse("portal:application.detail",
                                                    kwargs={"pk": application.pk}))
        return render(request, "portal/application/withdraw.html",
                      {"application": application, "form": form})
