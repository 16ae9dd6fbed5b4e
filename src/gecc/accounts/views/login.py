from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView

from gecc.accounts.domain import login as login_domain
from gecc.accounts.interfaces.forms import LoginForm

from .helpers import redirect_next, safe_next, with_next

# Who last opened the field app on this device (their user id, readable by the page). The
# field app's kept shell opens its member's offline data only while this still names them;
# signing out removes it. Set by ``gecc.scoring.views.field``.
DEVICE_MEMBER_COOKIE = "gecc_field_member"


@method_decorator([sensitive_post_parameters("password"), csrf_protect, never_cache],
                  name="dispatch")
class UserLoginView(FormView):
    """Email and password; a user with a second factor goes on to the code step."""

    template_name = "accounts/login.html"
    form_class = LoginForm

    def form_valid(self, form):
        outcome = login_domain.check_password(
            self.request, form.cleaned_data["email"], form.cleaned_data["password"]
        )
        if outcome.user is None:
            for error in outcome.errors:
                form.add_error(None, error)
            return self.form_invalid(form)
        if outcome.needs_second_factor:
            login_domain.start_pending(self.request, outcome.user)
            return redirect(with_next("accounts:otp.verify", safe_next(self.request)))
        login_domain.complete_login(self.request, outcome.user)
        return redirect_next(self.request)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=safe_next(self.request, ""), **kwargs)


class UserLogoutView(auth_views.LogoutView):
    """Sign out (POST only), with an audit entry."""

    def post(self, request, *args, **kwargs):
        login_domain.logout(request)
        response = redirect(self.get_success_url())
        # A shared device keeps no page of the member who left. "cache", not "storage": the
        # field app's changes not sent yet stay in the device's database for their return.
        response["Clear-Site-Data"] = '"cache"'
        response.delete_cookie(DEVICE_MEMBER_COOKIE, samesite="Lax")
        return response
