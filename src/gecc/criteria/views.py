"""Criteria screens: browse editions, search a version's tree, compare versions, load files."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View
from rules.contrib.views import PermissionRequiredMixin

from gecc.criteria.domain.diff import diff_editions
from gecc.criteria.domain.editions import load_edition, spec_from_version
from gecc.criteria.domain.nesting import LevelsNotNested, nesting_warnings
from gecc.criteria.domain.parse import CriteriaError, edition_to_dict
from gecc.criteria.domain.search import normalise
from gecc.criteria.enums import NodeKind
from gecc.criteria.interfaces.excel import write_workbook
from gecc.criteria.interfaces.forms import CriteriaUploadForm
from gecc.criteria.interfaces.labels import diff_rows
from gecc.criteria.interfaces.locations import describe_issues
from gecc.criteria.models import EditionVersion

# The signed document of an upload waiting for the confirmation of unnested levels.
PENDING_SALT = "gecc.criteria.upload.unnested"
PENDING_SECONDS = 3600


class StaffPermissionMixin(PermissionRequiredMixin):
    """Anonymous visitors go to the sign-in page; signed-in users without the permission
    get 403."""

    def handle_no_permission(self):
        if not self.request.user.is_authenticated:
            return redirect_to_login(self.request.get_full_path())
        raise PermissionDenied


class CriteriaViewMixin(StaffPermissionMixin):
    permission_required = "criteria.view_edition"

    def versions(self):
        return EditionVersion.objects.visible_to(self.request.user).select_related("edition")


class EditionVersionListView(CriteriaViewMixin, ListView):
    template_name = "criteria/edition_version/list.html"
    context_object_name = "versions"
    paginate_by = 50

    def get_queryset(self):
        return self.versions().annotate(
            item_count=Count("nodes", filter=Q(nodes__kind=NodeKind.ITEM))
        ).order_by("edition__standard", "-edition__label", "-revision")


class EditionVersionDetailView(CriteriaViewMixin, TemplateView):
    template_name = "criteria/edition_version/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = get_object_or_404(self.versions(), pk=self.kwargs["pk"])
        query = self.request.GET.get("q", "").strip()
        nodes = list(version.nodes.order_by("position"))
        by_parent = {}
        for node in nodes:
            by_parent.setdefault(node.parent_id, []).append(node)
        matches = None
        if query:
            needle = normalise(query)
            matches = {n.pk for n in version.nodes.filter(kind=NodeKind.ITEM,
                                                          search_text__contains=needle)}
        tree = []
        for category in by_parent.get(None, []):
            criteria = []
            for criterion in by_parent.get(category.pk, []):
                items = [i for i in by_parent.get(criterion.pk, [])
                         if matches is None or i.pk in matches]
                if items or matches is None:
                    criteria.append({"node": criterion, "items": items})
            if criteria or matches is None:
                tree.append({"node": category, "criteria": criteria})
        scales = {scale["code"]: scale for scale in version.scales}
        others = self.versions().filter(edition=version.edition).exclude(pk=version.pk)
        context.update({
            "nesting_warnings": describe_issues(nesting_warnings(version.levels),
                                                {"levels": version.levels}),
            "version": version, "tree": tree, "query": query,
            "match_count": len(matches) if matches is not None else None,
            "levels": version.levels, "scales": scales,
            "default_scale": scales.get(version.default_scale),
            "other_versions": others,
        })
        return context


class EditionVersionDiffView(CriteriaViewMixin, TemplateView):
    template_name = "criteria/edition_version/diff.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = self.versions()
        old = get_object_or_404(versions, pk=self.request.GET.get("a") or 0)
        new = get_object_or_404(versions, pk=self.request.GET.get("b") or 0)
        diff = diff_editions(spec_from_version(old), spec_from_version(new))
        context.update({"old": old, "new": new, "diff": diff,
                        "rows": diff_rows(diff, old.levels or [], new.levels or [])})
        return context


class EditionVersionExportView(CriteriaViewMixin, View):
    def get(self, request, pk):
        version = get_object_or_404(self.versions(), pk=pk)
        data = write_workbook(spec_from_version(version))
        response = HttpResponse(
            data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        filename = f"{version.edition.standard}-{version.edition.label}-r{version.revision}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class EditionVersionUploadView(StaffPermissionMixin, FormView):
    """Upload a criteria file. A file whose only problem is levels that are not nested
    (``domain.nesting``) shows the warnings and a confirmation: the checked document travels
    in a signed field (``PENDING_SALT``, an hour), so the file need not be chosen again."""

    permission_required = "criteria.load_edition"
    template_name = "criteria/edition_version/upload.html"
    form_class = CriteriaUploadForm

    def post(self, request, *args, **kwargs):
        if "pending" in request.POST:
            return self.confirm_unnested(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        name = form.cleaned_data["file"].name
        try:
            outcome = load_edition(form.edition, actor=self.request.user, source_name=name,
                                   request=self.request)
        except LevelsNotNested as exc:
            # The canonical document (plain JSON) of what was checked.
            return self.ask_to_confirm(form, exc, {"document": edition_to_dict(form.edition),
                                                   "name": name})
        except CriteriaError as exc:
            form.issues = form.locate(exc.issues)
            form.add_error("file", _("The file could not be loaded."))
            return self.form_invalid(form)
        return self.loaded(outcome)

    def ask_to_confirm(self, form, exc, pending, missing_tick=False):
        return self.render_to_response(self.get_context_data(
            form=form, warnings=describe_issues(exc.issues, pending["document"]),
            pending=signing.dumps(pending, salt=PENDING_SALT, compress=True),
            pending_name=pending["name"], missing_tick=missing_tick))

    def confirm_unnested(self, request):
        try:
            pending = signing.loads(request.POST["pending"], salt=PENDING_SALT,
                                    max_age=PENDING_SECONDS)
        except signing.BadSignature:
            messages.error(request, _("The confirmation is out of date; choose the file "
                                      "again."))
            return redirect("criteria:version.upload")
        form = self.form_class()
        try:
            outcome = load_edition(pending["document"], actor=request.user,
                                   source_name=pending["name"], request=request,
                                   accept_unnested=bool(request.POST.get("confirm")))
        except LevelsNotNested as exc:
            return self.ask_to_confirm(form, exc, pending, missing_tick=True)
        except CriteriaError as exc:  # e.g. the same revision was loaded meanwhile
            form.issues = form.locate(exc.issues)
            return self.render_to_response(self.get_context_data(form=form))
        return self.loaded(outcome)

    def loaded(self, outcome):
        if outcome.created:
            messages.success(self.request, _("Loaded %(version)s.") % {"version": outcome.version})
        else:
            messages.info(self.request, _("%(version)s is already loaded with the same content; "
                                          "nothing changed.") % {"version": outcome.version})
        return redirect(outcome.version.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["issues"] = getattr(form, "issues", [])
        return context
