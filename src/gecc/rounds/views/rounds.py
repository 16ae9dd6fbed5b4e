"""Round screens: list, detail, create, move dates, and the phase actions (open, advance,
close), each confirmed on a page that says what will change."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView, View

from gecc.applications.enums import ApplicationState
from gecc.applications.models import Application
from gecc.criteria.models import EditionVersion
from gecc.rounds.domain import (
    advance_phase,
    close_round,
    create_round,
    open_round,
    update_round_dates,
)
from gecc.rounds.domain.rounds import phase_reasons
from gecc.rounds.enums import DATE_FIELDS, PHASE_DATE_FIELDS, PHASE_ORDER, RoundPhase, phase_index
from gecc.rounds.interfaces.forms import DATE_LABELS, RoundCreateForm, RoundDatesForm
from gecc.rounds.models import Round
from gecc.rounds.views.base import RoundManageMixin, StaffAccessMixin, get_visible_round

PAGE_SIZE = 20


def state_counts(round_ids) -> dict:
    """``{round_id: {state: count}}`` for the given rounds, in one query."""
    counts = {}
    rows = (Application.objects.filter(round_id__in=round_ids)
            .values_list("round_id", "state").annotate(n=Count("pk")).order_by())
    for round_id, state, number in rows:
        counts.setdefault(round_id, {})[state] = number
    return counts


def counts_for_display(counts: dict) -> list:
    """``[(state label, state, count)]`` in the order of the states, only those present."""
    return [(state.label, state.value, counts[state]) for state in ApplicationState
            if counts.get(state)]


@dataclass
class PhaseRow:
    phase: str
    label: str
    dates: list  # [(label, value)]
    is_current: bool
    is_past: bool


def phase_rows(round_obj) -> list[PhaseRow]:
    current = phase_index(round_obj.phase)
    rows = []
    for phase in PHASE_ORDER:
        names = PHASE_DATE_FIELDS.get(phase, ())
        rows.append(PhaseRow(
            phase=phase.value, label=phase.label,
            dates=[(DATE_LABELS[name], getattr(round_obj, name)) for name in names],
            is_current=phase == round_obj.phase, is_past=phase_index(phase) < current))
    return rows


class RoundListView(StaffAccessMixin, ListView):
    template_name = "rounds/round/list.html"
    context_object_name = "rounds"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return (Round.objects.visible_to(self.request.user)
                .select_related("edition", "edition__edition").order_by("-year"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rounds = list(context["rounds"])
        counts = state_counts([round_obj.pk for round_obj in rounds])
        for round_obj in rounds:
            by_state = counts.get(round_obj.pk, {})
            round_obj.state_counts = counts_for_display(by_state)
            round_obj.application_total = sum(by_state.values())
        context["rounds"] = rounds
        context["can_manage"] = self.request.user.has_perm("rounds.manage_round")
        return context


class RoundDetailView(StaffAccessMixin, TemplateView):
    template_name = "rounds/round/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_obj = get_visible_round(self.request.user, kwargs["year"])
        by_state = state_counts([round_obj.pk]).get(round_obj.pk, {})
        can_manage = self.request.user.has_perm("rounds.manage_round")
        context.update({
            "round": round_obj,
            "version": round_obj.edition,
            "phases": phase_rows(round_obj),
            "state_counts": counts_for_display(by_state),
            "application_total": sum(by_state.values()),
            "can_manage": can_manage,
            "actions": available_actions(round_obj) if can_manage else [],
        })
        return context


class RoundCreateView(RoundManageMixin, View):
    template_name = "rounds/round/create.html"

    def form(self, data=None):
        editions = EditionVersion.objects.visible_to(self.request.user)
        return RoundCreateForm(data, editions=editions)

    def get(self, request):
        return render(request, self.template_name, {"form": self.form()})

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                round_obj = create_round(
                    year=data["year"], name=data["name"].strip(), edition=data["edition"],
                    actor=request.user, request=request,
                    **{name: value for name, value in form.dates().items()
                       if value is not None})
            except ValidationError as exc:
                form.add_domain_errors(exc)
            else:
                messages.success(request, _("The round %(name)s was created as a draft.")
                                 % {"name": round_obj.name})
                return redirect("rounds:round.detail", year=round_obj.year)
        return render(request, self.template_name, {"form": form})


class RoundDatesUpdateView(RoundManageMixin, View):
    template_name = "rounds/round/dates.html"

    def get_round(self):
        return get_visible_round(self.request.user, self.kwargs["year"])

    def get(self, request, year):
        round_obj = self.get_round()
        return render(request, self.template_name,
                      {"round": round_obj, "form": RoundDatesForm(round_obj=round_obj)})

    def post(self, request, year):
        round_obj = self.get_round()
        form = RoundDatesForm(request.POST, round_obj=round_obj)
        if round_obj.phase == RoundPhase.CLOSED:
            form.is_valid()
            form.add_error(None, _("The round is closed; its dates can no longer change."))
        elif form.is_valid():
            try:
                update_round_dates(round_obj, request.user, request=request, **form.dates())
            except ValidationError as exc:
                form.add_domain_errors(exc)
            else:
                messages.success(request, _("The dates were saved."))
                return redirect("rounds:round.detail", year=round_obj.year)
        return render(request, self.template_name, {"round": round_obj, "form": form})


# -- phase actions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseAction:
    code: str
    url_name: str
    label: str
    function: object

    def target(self, round_obj):
        """The phase the round would move to, or None if this action does not apply."""
        phase = round_obj.phase
        if self.code == "open":
            return RoundPhase.APPLICATIONS if phase == RoundPhase.DRAFT else None
        if self.code == "close":
            return RoundPhase.CLOSED if phase == RoundPhase.ANNOUNCED else None
        if phase == RoundPhase.CLOSED:
            return None
        return PHASE_ORDER[phase_index(phase) + 1]


PHASE_ACTIONS = {
    "open": PhaseAction("open", "rounds:round.open", gettext_lazy("Open the round"),
                        open_round),
    "advance": PhaseAction("advance", "rounds:round.advance",
                           gettext_lazy("Move to the next phase"), advance_phase),
    "close": PhaseAction("close", "rounds:round.close", gettext_lazy("Close the round"),
                         close_round),
}


def available_actions(round_obj):
    """The phase actions that apply now: opening a draft, closing an announced round, and
    otherwise moving to the next phase."""
    if round_obj.phase == RoundPhase.DRAFT:
        return [PHASE_ACTIONS["open"]]
    if round_obj.phase == RoundPhase.ANNOUNCED:
        return [PHASE_ACTIONS["close"]]
    if round_obj.phase == RoundPhase.CLOSED:
        return []
    return [PHASE_ACTIONS["advance"]]


def consequences(round_obj, target) -> list[str]:
    """What else happens when the round moves to ``target``, in words."""
    lines = []
    if target == RoundPhase.APPLICATIONS:
        lines.append(_("Service units can apply between the opening and closing dates."))
    elif target == RoundPhase.DESK_REVIEW:
        lines.append(_("The round no longer accepts applications, whatever the dates say."))
    elif target == RoundPhase.CLOSED:
        lines.append(_("A closed round is final: its dates and phase can no longer change."))
    return lines


class RoundPhaseActionView(RoundManageMixin, View):
    """GET: the confirmation page (from → to, and what else changes); POST: do it."""

    template_name = "rounds/round/phase_confirm.html"
    action = None  # a key of PHASE_ACTIONS

    def context(self, round_obj, errors=()):
        action = PHASE_ACTIONS[self.action]
        target = action.target(round_obj)
        missing = []
        if target == RoundPhase.APPLICATIONS:
            missing = [DATE_LABELS[name] for name in DATE_FIELDS[:2]
                       if getattr(round_obj, name) is None]
        # What holds the round in its phase (e.g. applications still undecided) and what is
        # still pending (a warning to acknowledge), shown before the user confirms.
        blockers, warnings = ([], []) if target is None else phase_reasons(round_obj, target)
        return {"round": round_obj, "action": action,
                "current_label": RoundPhase(round_obj.phase).label,
                "target_label": RoundPhase(target).label if target else "",
                "possible": target is not None, "consequences": consequences(round_obj, target),
                "missing_dates": missing,
                "errors": [e for e in errors if e not in warnings] or blockers,
                "blocked": bool(blockers), "warnings": warnings}

    def get(self, request, year):
        round_obj = get_visible_round(request.user, year)
        return render(request, self.template_name, self.context(round_obj))

    def post(self, request, year):
        round_obj = get_visible_round(request.user, year)
        action = PHASE_ACTIONS[self.action]
        before = RoundPhase(round_obj.phase).label
        options = ({"acknowledged": request.POST.get("acknowledge") == "1"}
                   if action.code == "advance" else {})
        try:
            action.function(round_obj, request.user, request=request, **options)
        except ValidationError as exc:
            return render(request, self.template_name, self.context(round_obj, exc.messages),
                          status=400)
        messages.success(request, _("The round moved from “%(before)s” to “%(after)s”.")
                         % {"before": before, "after": RoundPhase(round_obj.phase).label})
        return redirect("rounds:round.detail", year=round_obj.year)
