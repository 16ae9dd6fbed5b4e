"""The access check every staff or portal screen starts with."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied


class AllowedUserRequiredMixin(LoginRequiredMixin):
    """Anonymous → the sign-in page; a signed-in user for whom ``allowed(user)`` is false
    → 403. Subclasses name who is allowed; rows are then limited by ``visible_to``."""

    def allowed(self, user) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
