"""Forms for signing in and the second factor."""

import re

from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, PasswordResetForm, UserChangeForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.models import User
from gecc.common.urls import absolute_url


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    """A 6-digit one-time code; spaces are allowed (authenticator apps show "123 456")."""

    code = forms.CharField(
        label=_("6-digit code"), max_length=20,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
            "pattern": r"[0-9 ]*", "size": 8,
        }),
    )

    def clean_code(self):
        code = re.sub(r"\s+", "", self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError(
                _("Enter the 6-digit code shown in your authenticator app."), code="malformed")
        return code


class EmailPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("Email address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        """Store the reset link in the outbox (``user.password_reset``): it is sent after
        commit by a worker, or by the sweep if the broker is down, and the request never
        waits on a mail server. The outbox pages do not show this message's text."""
        from gecc.common.outbox import notify

        path = reverse("accounts:password_reset_confirm",
                       kwargs={"uidb64": context["uid"], "token": context["token"]})
        notify("user.password_reset", recipients=[to_email], obj=context["user"], context={
            "user": context["user"], "email": context["email"],
            "reset_url": absolute_url(path, getattr(self, "request", None))})

    def save(self, *args, request=None, **kwargs):
        self.request = request  # for the link's address when SITE_URL is not set
        return super().save(*args, request=request, **kwargs)


class UserAdminCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this email address already exists."),
                                        code="unique")
        return email


class UserAdminChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self):
        # Sign-in looks the address up case-insensitively: two accounts that differ only in
        # case would make it fail for both.
        email = self.cleaned_data["email"].strip().lower()
        others = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("A user with this email address already exists."),
                                        code="unique")
        return email
