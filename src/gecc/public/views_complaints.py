"""The public complaint form of a certified centre (no sign-in).

The complaint itself is filed by ``gecc.decisions.domain.complaints.file_complaint``; this
page adds the anti-abuse checks (``forms.ComplaintForm``: a hidden field that must stay
empty and a signed time the form was shown, 3 s to a day) and the limit of
``PUBLIC_COMPLAINTS_PER_DAY`` complaints a day per client address (``throttle``). What was
typed is kept whenever the complaint is refused.
"""

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gecc.accounts.domain.throttle import client_ip
from gecc.certificates.domain import public
from gecc.public.forms import ComplaintForm
from gecc.public.throttle import complaint_allowed
from gecc.public.views_registry import PublicView, not_found

THANKS_SALT = "gecc.public.complaint.thanks"
THANKS_MAX_AGE = 24 * 60 * 60


def thanks_token(reference) -> str:
    """A signed token naming a complaint's reference, for the thank-you page's address."""
    return signing.dumps(str(reference), salt=THANKS_SALT)


class ComplaintCreateView(PublicView):
    template_name = "public/complaint/create.html"
    http_method_names = ["get", "head", "post"]

    def centre_or_404(self, code):
        centre = public.centre(code)
        if centre is None:
            return None
        return centre

    def show(self, request, centre, form, *, status=200, problem=""):
        return render(request, self.template_name,
                      {"page_title": _("Complaint about %(name)s") % {"name": centre.name},
                       "centre": centre, "form": form, "problem": problem}, status=status)

    def get(self, request, code):
        centre = self.centre_or_404(code)
        if centre is None:
            return not_found(request, _("This service unit is not in the registry of "
                                        "certified centres."), kind="centre")
        return self.show(request, centre, ComplaintForm())

    def post(self, request, code):
        centre = self.centre_or_404(code)
        if centre is None:
            return not_found(request, _("This service unit is not in the registry of "
                                        "certified centres."), kind="centre")
        form = ComplaintForm(request.POST)
        if not form.is_valid():
            if form.expired:  # keep the errors and what was typed, with a new stamp
                form.data = form.fresh()
            return self.show(request, centre, form, status=400)
        if complaint_allowed(request) is False:
            return self.show(request, centre, form, status=429, problem=_(
                "Too many complaints were sent from this connection today. Please try again "
                "tomorrow; what you wrote is kept below."))
        from gecc.decisions.domain.complaints import file_complaint
        from gecc.registry.models import ServiceUnit

        unit = ServiceUnit.objects.get(pk=centre.unit_id)
        data = form.cleaned_data
        try:
            complaint = file_complaint(
                unit=unit, text=data["text"], name=data["name"], contact=data["contact"],
                certificate_number=centre.certificate.number,
                client_address=client_ip(request) or "", request=request)
        except ValidationError as error:
            _add_errors(form, error)
            codes = {getattr(item, "code", None) for item in error.error_list} \
                if not hasattr(error, "error_dict") else set()
            return self.show(request, centre, form, status=429 if "too_many" in codes else 400)
        return redirect("public:complaint.done", token=thanks_token(complaint.reference))


def _add_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ComplaintDoneView(PublicView):
    """The thank-you page with the complaint's reference."""

    template_name = "public/complaint/done.html"

    def get(self, request, token):
        try:
            reference = signing.loads(token, salt=THANKS_SALT, max_age=THANKS_MAX_AGE)
        except signing.BadSignature:
            raise Http404 from None
        return render(request, self.template_name,
                      {"page_title": _("Complaint received"), "reference": reference})
