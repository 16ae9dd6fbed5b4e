"""Inviting and removing a unit's coordinators (secretariat only)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.generic import View

from gecc.accounts.enums import Role
from gecc.accounts.models import RoleGrant
from gecc.audit.domain import log_action
from gecc.common.outbox import notify
from gecc.common.urls import absolute_url
from gecc.registry.interfaces.forms import InviteCoordinatorForm
from gecc.registry.views.base import SecretariatOnlyMixin
from gecc.registry.views.units import get_visible_unit


def password_link(request, user):
    """An absolute link where ``user`` chooses a password (Django's reset token)."""
    path = reverse("accounts:password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user)})
    return absolute_url(path, request)


def _coordinator_emails(unit):
    return sorted(unit.coordinators.values_list("email", flat=True))


@transaction.atomic
def invite_coordinator(unit, email, *, full_name="", actor=None, request=None):
    """Make the person with ``email`` a coordinator of ``unit``, creating their account
    (no usable password yet) when there is none; log ``unit.coordinator_invited``; store the
    invitation in the outbox, sent after the transaction commits (or by the sweep, if the
    broker is down). Returns ``(user, created)``."""
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = user_model(email=email.lower(), full_name=full_name)
        user.set_unusable_password()
        user.save()
    RoleGrant.objects.get_or_create(user=user, role=Role.COORDINATOR,
                                    defaults={"granted_by": actor})
    user.__dict__.pop("_roles_cache", None)
    before = _coordinator_emails(unit)
    unit.coordinators.add(user)
    log_action("unit.coordinator_invited", actor=actor, obj=unit,
               before={"coordinators": before},
               after={"coordinators": _coordinator_emails(unit)},
               data={"email": user.email, "new_account": created}, request=request)
    context = {
        "unit": unit,
        "user": user,
        "set_password_url": password_link(request, user) if not user.has_usable_password()
        else None,
        "login_url": absolute_url(reverse("accounts:login"), request),
        "unit_url": absolute_url(
            reverse("registry:unit.detail", kwargs={"code": unit.code}), request),
    }
    notify("unit.coordinator_invited", recipients=[user.email], context=context, obj=unit,
           actor=actor)
    return user, created


@transaction.atomic
def remove_coordinator(unit, user, *, actor=None, request=None):
    """Take ``user`` off ``unit``'s coordinators and log ``unit.coordinator_removed``.
    Their account and role stay (they may coordinate other units)."""
    before = _coordinator_emails(unit)
    unit.coordinators.remove(user)
    log_action("unit.coordinator_removed", actor=actor, obj=unit,
               before={"coordinators": before},
               after={"coordinators": _coordinator_emails(unit)},
               data={"email": user.email}, request=request)


class ServiceUnitInviteView(SecretariatOnlyMixin, View):
    template_name = "registry/unit/invite.html"

    def get(self, request, code):
        unit = get_visible_unit(request.user, code)
        return render(request, self.template_name, {"unit": unit,
                                                    "form": InviteCoordinatorForm()})

    def post(self, request, code):
        unit = get_visible_unit(request.user, code)
        form = InviteCoordinatorForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"unit": unit, "form": form})
        user, created = invite_coordinator(
            unit, form.cleaned_data["email"], full_name=form.cleaned_data["full_name"],
            actor=request.user, request=request)
        if created:
            messages.success(request, _("An account was created for %(email)s; the invitation "
                                        "will follow by email.") % {"email": user.email})
        else:
            messages.success(request, _("%(email)s is now a coordinator of this unit; an email "
                                        "telling them will follow.") % {"email": user.email})
        return redirect("registry:unit.detail", code=unit.code)


class ServiceUnitCoordinatorRemoveView(SecretariatOnlyMixin, View):
    template_name = "registry/unit/coordinator_remove.html"

    def get_objects(self, code, user_id):
        unit = get_visible_unit(self.request.user, code)
        coordinator = get_object_or_404(unit.coordinators.all(), pk=user_id)
        return unit, coordinator

    def get(self, request, code, user_id):
        unit, coordinator = self.get_objects(code, user_id)
        return render(request, self.template_name, {"unit": unit, "coordinator": coordinator})

    def post(self, request, code, user_id):
        unit, coordinator = self.get_objects(code, user_id)
        remove_coordinator(unit, coordinator, actor=request.user, request=request)
        messages.success(request, _("%(email)s is no longer a coordinator of this unit.")
                         % {"email": coordinator.email})
        return redirect("registry:unit.detail", code=unit.code)
