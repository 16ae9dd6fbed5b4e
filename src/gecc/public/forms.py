"""Forms of the public site: the registry's search, the verification box and the complaint
form with its anti-abuse checks."""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from gecc.certificates.domain.public import (
    MAX_TYPED_LENGTH,
    STATUS_ALL,
    STATUS_EXPIRED,
    STATUS_SUSPENDED,
    STATUS_VALID,
    RegistryQuery,
)

STATUS_CHOICES = [
    (STATUS_VALID, _("Valid certificate")),
    (STATUS_SUSPENDED, _("Suspended")),
    (STATUS_EXPIRED, _("Expired")),
    (STATUS_ALL, _("All (valid, suspended, expired)")),
]


def _blank(label):
    return [("", label)]


class RegistrySearchForm(forms.Form):
    """The registry's search box and filters. Always usable: a value that is not one of the
    choices is ignored, never an error page."""

    q = forms.CharField(label=_("Name, agency or code"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={
                            "type": "search", "autocomplete": "off",
                            "placeholder": _("e.g. อำเภอเมือง, ธ.ก.ส.")}))
    province = forms.ChoiceField(label=_("Province"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    organization = forms.ChoiceField(label=_("Agency"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    year = forms.ChoiceField(label=_("Year certified (B.E.)"), required=False)
    status = forms.ChoiceField(label=_("Certificate"), required=False, choices=STATUS_CHOICES)

    def __init__(self, data=None, *, choices, districts=(), **kwargs):
        super().__init__(data, **kwargs)
        fields = self.fields
        fields["province"].choices = _blank(_("All provinces")) + list(choices["provinces"])
        fields["district"].choices = _blank(_("All districts")) + list(districts)
        fields["organization"].choices = _blank(_("All agencies")) + [
            (str(pk), name) for pk, name in choices["organizations"]]
        fields["level"].choices = _blank(_("All levels")) + list(choices["levels"])
        fields["year"].choices = _blank(_("All years")) + [
            (str(year), str(year)) for year in choices["years"]]

    def cleaned(self) -> dict:
        """The valid values; a field whose value is not allowed counts as empty."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        values = {name: data.get(name) or "" for name in self.fields}
        values["status"] = values["status"] or STATUS_VALID
        return values

    def query(self) -> RegistryQuery:
        values = self.cleaned()
        return RegistryQuery(
            text=values["q"].strip(), province=values["province"],
            district=values["district"] if values["province"] else "",
            organization=int(values["organization"]) if values["organization"] else None,
            level=values["level"], year=int(values["year"]) if values["year"] else None,
            status=values["status"])

    @property
    def is_filtered(self) -> bool:
        values = self.cleaned()
        return any(values[name] for name in ("q", "province", "district", "organization",
                                             "level", "year")) \
            or values["status"] != STATUS_VALID


class VerifyForm(forms.Form):
    number = forms.CharField(
        label=_("Certificate number"), max_length=MAX_TYPED_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "GECC-2563-000123",
                                      "autocomplete": "off", "spellcheck": "false",
                                      "autocapitalize": "characters"}),
        error_messages={"required": _("Type the certificate number."),
                        "max_length": _("A certificate number is shorter than this.")})


# -- the complaint form ---------------------------------------------------------------------

TIMESTAMP_SALT = "gecc.public.complaint.form"
MIN_SECONDS = 3
MAX_SECONDS = 24 * 60 * 60


def form_timestamp(now=None) -> str:
    """A signed stamp of when the form was shown."""
    return signing.dumps(int(time.time() if now is None else now), salt=TIMESTAMP_SALT)


class ComplaintForm(forms.Form):
    """A complaint about a certified centre. Two simple checks against robots: a field people
    do not see (``website``, must stay empty) and the signed time the form was shown
    (``started``: sent sooner than ``MIN_SECONDS`` or later than a day is refused)."""

    text = forms.CharField(
        label=_("Your complaint"), max_length=5000, strip=True,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("What happened, when, and at which service. Do not write passwords or "
                    "ID card numbers."),
        error_messages={"required": _("Write what your complaint is about: the complaint "
                                      "cannot be sent without it."),
                        "max_length": _("The complaint may be at most %(limit_value)d "
                                        "characters long (it has %(show_value)d).")})
    name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact = forms.CharField(
        label=_("E-mail or phone for a reply (optional)"), max_length=200, required=False,
        help_text=_("Only the secretariat sees it, to reply to you."),
        widget=forms.TextInput(attrs={"autocomplete": "email"}))
    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off",
                                                            "tabindex": "-1"}))
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = time.time() if now is None else now
        if not self.is_bound:
            self.initial["started"] = form_timestamp(self.now)
        self.expired = False

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(
                _("The complaint could not be sent. Please check the form and send it again."),
                code="honeypot")
        try:
            started = signing.loads(data.get("started") or "", salt=TIMESTAMP_SALT)
            elapsed = self.now - int(started)
        except (signing.BadSignature, TypeError, ValueError):
            elapsed = None
        if elapsed is None or elapsed > MAX_SECONDS or elapsed < 0:
            self.expired = True
            raise forms.ValidationError(
                _("This form was open too long or could not be read. Check what you wrote "
                  "and send it again."), code="expired")
        if elapsed < MIN_SECONDS:
            raise forms.ValidationError(
                _("The complaint was sent too quickly. Check what you wrote and send it "
                  "again."), code="too_fast")
        return data

    def fresh(self):
        """The same values with a new timestamp (after an expired or unreadable one)."""
        data = self.data.copy()
        data["started"] = form_timestamp(self.now)
        return data
