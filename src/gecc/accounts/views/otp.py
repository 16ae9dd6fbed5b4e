from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login

from gecc.accounts.domain import login as login_domain
from gecc.accounts.domain import otp as otp_domain
from gecc.accounts.interfaces.forms import CodeForm

from .helpers import VerifiedIfEnrolledMixin, redirect_next, safe_next, with_next


@method_decorator(never_cache, name="dispatch")
class DeviceVerifyView(FormView):
    """The one-time code step: after the password, or when a signed-in session is not
    verified yet (see SecondFactorRequiredMiddleware)."""

    template_name = "accounts/otp/verify.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        self.pending = False
        if request.user.is_authenticated:
            if request.user.is_verified():
                return redirect_next(request)
            self.person = request.user
        else:
            self.person = login_domain.pending_user(request)
            if self.person is None:
                return redirect(with_next("accounts:login", safe_next(request)))
            self.pending = True
        if not otp_domain.has_confirmed_device(self.person):
            if self.pending:
                login_domain.clear_pending(request)
                return redirect(with_next("accounts:login", safe_next(request)))
            return redirect(with_next("accounts:otp.enrol", safe_next(request)))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        result = otp_domain.verify_code(self.request, self.person, form.cleaned_data["code"])
        if result.device is None:
            form.add_error("code", result.error)
            return self.form_invalid(form)
        if self.pending:
            login_domain.complete_login(self.request, self.person, device=result.device)
        else:
            otp_login(self.request, result.device)
        return redirect_next(self.request)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=safe_next(self.request, ""), person=self.person,
                                        **kwargs)


@method_decorator(never_cache, name="dispatch")
class DeviceEnrolView(LoginRequiredMixin, FormView):
    """Add an authenticator app: QR code and secret, confirmed by a first valid code."""

    template_name = "accounts/otp/enrol.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and otp_domain.has_confirmed_device(user):
            if not user.is_verified():
                return redirect(with_next("accounts:otp.verify", safe_next(request)))
            messages.info(request, _("You already use an authenticator app."))
            return redirect("accounts:security")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        device = otp_domain.start_enrolment(self.request.user)
        return super().get_context_data(
            next=safe_next(self.request, ""),
            qr_code=otp_domain.qr_code_svg(device),
            secret=otp_domain.secret_base32(device),
            required=otp_domain.requires_second_factor(self.request.user),
            **kwargs,
        )

    def form_valid(self, form):
        device = otp_domain.start_enrolment(self.request.user)
        if not otp_domain.confirm_enrolment(self.request, device, form.cleaned_data["code"]):
            form.add_error("code", _("The code is not correct. Check the time on your phone "
                                     "and try again."))
            return self.form_invalid(form)
        messages.success(self.request, _("Your authenticator app is set up. You will be asked "
                                         "for a code each time you sign in."))
        return redirect_next(self.request, default="accounts:security")


@method_decorator(never_cache, name="dispatch")
class DeviceRemoveView(VerifiedIfEnrolledMixin, TemplateView):
    """Confirm, then remove the authenticator app (not for roles that must have one)."""

    template_name = "accounts/otp/remove.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not otp_domain.has_confirmed_device(request.user):
            return redirect("accounts:security")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            allowed=otp_domain.can_remove_devices(self.request.user), **kwargs)

    def post(self, request, *args, **kwargs):
        otp_domain.remove_devices(request, request.user)  # PermissionDenied → 403
        messages.success(request, _("The authenticator app was removed from your account."))
        return redirect("accounts:security")
