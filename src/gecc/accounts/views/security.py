from django.views.generic import TemplateView

from gecc.accounts.domain import otp as otp_domain

from .helpers import VerifiedIfEnrolledMixin


class SecurityOverviewView(VerifiedIfEnrolledMixin, TemplateView):
    """The user's own sign-in security: second factor and password."""

    template_name = "accounts/security.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            device=otp_domain.confirmed_device(user),
            required=otp_domain.requires_second_factor(user),
            can_remove=otp_domain.can_remove_devices(user),
            **kwargs,
        )
