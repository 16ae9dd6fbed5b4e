from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from gecc.accounts.domain import passwords
from gecc.accounts.interfaces.forms import EmailPasswordResetForm

from .helpers import VerifiedIfEnrolledMixin


class PasswordChangeView(VerifiedIfEnrolledMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password/change_form.html"
    success_url = reverse_lazy("accounts:security")

    def form_valid(self, form):
        user = passwords.set_new_password(
            form.user, form.cleaned_data["new_password1"], request=self.request, via="change")
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password has been changed."))
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Ask for a reset link. The answer is the same whether or not the address is known."""

    template_name = "accounts/password/reset_form.html"
    form_class = EmailPasswordResetForm  # the email goes through the outbox (its send_mail)
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if passwords.password_reset_requested(form.cleaned_data["email"], request=self.request):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())  # same answer, no email


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password/reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password/reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        passwords.set_new_password(
            form.user, form.cleaned_data["new_password1"], request=self.request, via="reset")
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password/reset_complete.html"
