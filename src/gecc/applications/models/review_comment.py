from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import RoleScopedQuerySet
from gecc.applications.scoping import through_application


class ReviewCommentQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        """The comments of the applications the user sees; the steering committee, which
        does not take part in the desk review, sees none."""
        if role == Role.STEERING:
            return None
        return through_application(role, user, "application_id")

    def open(self):
        return self.filter(resolved_at__isnull=True)


class ReviewComment(models.Model):
    """A desk reviewer's remark on an application, or on one answer of it: what to fix."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE,
                                    related_name="review_comments",
                                    verbose_name=_("application"))
    answer = models.ForeignKey("applications.Answer", on_delete=models.CASCADE, null=True,
                               blank=True, related_name="review_comments",
                               verbose_name=_("answer"))
    text = models.TextField(_("comment"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("resolved by"))

    objects = ReviewCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["application", "resolved_at"])]

    def __str__(self):
        return self.text[:80]

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None
