"""What every portal screen shares: who may enter, and finding the user's own objects.

A portal page is for unit coordinators only (``portal.access``): anyone else signed in gets
403, an anonymous visitor the sign-in page. Objects are looked up in the user's scope
(``visible_to``), so another unit's application or answer is a 404, never a hint that it
exists.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views import View

from gecc.applications.models import Answer, Application
from gecc.registry.models.service_unit import remember_coordinated_units


class PortalView(View):
    """A view of the unit portal: signed in, with the coordinator role."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm("portal.access"):
            raise PermissionDenied
        remember_coordinated_units(request.user)
        return super().dispatch(request, *args, **kwargs)


def get_application(user, pk) -> Application:
    """The user's application ``pk`` (404 when it is not theirs to see)."""
    # get(), not first(): first() would order by the model's ordering, joining for nothing.
    try:
        application = (Application.objects.visible_to(user)
                       .select_related("round", "round__edition", "unit", "unit__organization")
                       .get(pk=pk))
    except Application.DoesNotExist:
        raise Http404 from None
    if not user.has_perm("applications.view_application", application):
        raise Http404
    return application


def get_answer(user, pk) -> Answer:
    """The user's answer ``pk`` with its item, criterion and application loaded (or 404)."""
    try:
        answer = (Answer.objects.visible_to(user)
                  .select_related("item", "item__parent", "item__parent__parent",
                                  "application", "application__round",
                                  "application__round__edition", "application__unit")
                  .get(pk=pk))
    except Answer.DoesNotExist:
        raise Http404 from None
    if not user.has_perm("applications.view_application", answer.application):
        raise Http404
    return answer
