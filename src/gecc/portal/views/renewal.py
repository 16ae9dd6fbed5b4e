"""A renewal's "confirm all unchanged": a page listing every carried-forward answer still to
confirm, then one POST that confirms exactly those (``confirm_all_unchanged``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gecc.applications.domain import ConcurrentEditError, confirm_all_unchanged
from gecc.applications.domain.renewal import parse_expected
from gecc.applications.models import Answer

from .assessment import assessment_url
from .base import PortalView, get_application


def answers_to_confirm(application) -> list[Answer]:
    return list(Answer.objects.filter(application=application, needs_confirmation=True)
                .select_related("item").order_by("item__position"))


class ApplicationConfirmAllView(PortalView):
    """GET: what "confirm all unchanged" will confirm (reference, score, explanation);
    POST: confirm those answers, each at the revision the page showed."""

    def load(self, request, pk):
        application = get_application(request.user, pk)
        if not request.user.has_perm("applications.change_application", application):
            raise PermissionDenied(_("This application can no longer be changed."))
        return application

    def render_page(self, request, application, status=200, errors=()):
        return render(request, "portal/application/confirm_all.html",
                      {"application": application, "answers": answers_to_confirm(application),
                       "errors": list(errors),
                       "back_url": assessment_url(application.pk)}, status=status)

    def get(self, request, pk):
        return self.render_page(request, self.load(request, pk))

    def post(self, request, pk):
        application = self.load(request, pk)
        expected = parse_expected(request.POST.getlist("expected"))
        try:
            refs = confirm_all_unchanged(application, request.user, expected=expected,
                                         request=request)
        except ConcurrentEditError as exc:
            return self.render_page(request, application, status=409, errors=[str(exc)])
        except ValidationError as exc:
            return self.render_page(request, application, status=400, errors=exc.messages)
        messages.success(request, ngettext(
            "%(count)d carried-forward answer was confirmed as it is.",
            "%(count)d carried-forward answers were confirmed as they are.",
            len(refs)) % {"count": len(refs)})
        return HttpResponseRedirect(assessment_url(application.pk))
