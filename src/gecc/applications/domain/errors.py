from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ConcurrentEditError(Exception):
    """The record changed since it was loaded: the later save is refused, nothing is
    overwritten. Reload, look at the stored value, and save again."""

    def __init__(self, message=None, *, current_revision=None):
        self.current_revision = current_revision
        super().__init__(message or _("The answer changed since it was loaded. Reload it to "
                                      "see the saved version, then save again."))


class TransitionNotAllowed(ValidationError):
    """The application's state does not allow this action."""
