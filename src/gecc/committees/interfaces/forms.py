"""Forms of the assessor pool: the list's filters, the profile form and the pool upload.

Dates are typed in the Buddhist era (``08/06/2563``), one a line, and read with the
project's parser (``gecc.common.thaidate.parse_be``); an organisation is given by its code
or its name (the page suggests them as you type).
"""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gecc.committees.domain.profiles import MAX_VISITS_PER_DAY, assessor_users
from gecc.common.thaidate import BEDateError, format_be_numeric, parse_be
from gecc.geography.models import Province
from gecc.registry.domain.search import normalize_search_text, search_organizations
from gecc.registry.interfaces.forms import ImportUploadForm
from gecc.registry.models import Organization

ACTIVE_CHOICES = [("yes", _("Active")), ("no", _("Inactive")), ("all", _("All"))]
LOOKUP_LIMIT = 20


def blank(label):
    return [("", label)]


def province_choices(label):
    return blank(label) + list(Province.objects.order_by("name_th")
                               .values_list("code", "name_th"))


# -- Buddhist-era dates, one a line --------------------------------------------------------

def be_date_error(text, exc) -> str:
    if exc.code == "ce_year" and exc.year:
        return str(_("“%(text)s”: %(year)s looks like a Christian-era year; write the "
                     "Buddhist-era year (%(be_year)s).")
                   % {"text": text, "year": exc.year, "be_year": exc.year + 543})
    return str(_("“%(text)s” is not a date as day/month/Buddhist-era year, for example "
                 "08/06/2569.") % {"text": text})


def parse_be_list(parts):
    """``(dates, errors)`` for a list of texts, each a Buddhist-era date."""
    dates, errors = [], []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        try:
            dates.append(parse_be(part))
        except BEDateError as exc:
            errors.append(be_date_error(part, exc))
    return sorted(set(dates)), errors


class BEDateListField(forms.CharField):
    """A textarea of Buddhist-era dates, one a line (or separated by commas or ``;``),
    cleaned to a sorted list of dates without repeats."""

    widget = forms.Textarea(attrs={"rows": 4, "placeholder": "08/06/2569\n09/06/2569"})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("One date a line, as day/month/Buddhist-era year, "
                                         "e.g. 08/06/2569."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(format_be_numeric(datetime.date.fromisoformat(day))
                             if isinstance(day, str) else format_be_numeric(day)
                             for day in value)
        return value

    def clean(self, value):
        text = super().clean(value) or ""
        parts = [part for line in text.splitlines() for part in
                 line.replace(";", ",").split(",")]
        dates, errors = parse_be_list(parts)
        if errors:
            raise ValidationError(errors)
        return dates


# -- organisations by code or name -----------------------------------------------------------

def find_organization(text):
    """The active organisation whose code is ``text``, or the only one whose name matches;
    ``ValidationError`` in Thai when none or several do."""
    text = (text or "").strip()
    if not text:
        return None
    code = text.rsplit("(", 1)[-1].rstrip(")").strip() if text.endswith(")") else text
    found = Organization.objects.filter(code__iexact=code).first()
    if found is not None:
        return found
    exact = Organization.objects.filter(name_th=text)
    if exact.count() == 1:
        return exact.first()
    matches = list(search_organizations(Organization.objects.filter(is_active=True),
                                        text)[:2])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError(_("No registered organisation has the code or name "
                                "“%(text)s”.") % {"text": text}, code="unknown")
    raise ValidationError(_("Several organisations match “%(text)s”; choose one from the "
                            "list or type its code.") % {"text": text}, code="ambiguous")


def organization_label(organization) -> str:
    return f"{organization.name_th} ({organization.code})" if organization else ""


def lookup_attrs(url, list_id):
    """The attributes of a text box that suggests registry entries as the user types (htmx
    fills the ``<datalist>`` ``list_id`` from ``url``)."""
    return {"list": list_id, "autocomplete": "off", "hx-get": url,
            "hx-trigger": "input changed delay:300ms", "hx-target": f"#{list_id}",
            "hx-swap": "innerHTML"}


# -- the pool list -----------------------------------------------------------------------------

class AssessorFilterForm(forms.Form):
    """Search and filters above the pool. Always valid: a bad value is ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={
                            "type": "search", "placeholder": _("Name, e-mail or affiliation")}))
    province = forms.ChoiceField(label=_("Home province"), required=False)
    expertise = forms.ChoiceField(label=_("Expertise"), required=False)
    active = forms.ChoiceField(label=_("Status"), required=False, choices=ACTIVE_CHOICES)

    def __init__(self, data=None, *, expertise_tags=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["province"].choices = province_choices(_("All provinces"))
        self.fields["expertise"].choices = blank(_("Any expertise")) + [
            (tag, tag) for tag in expertise_tags]

    def data_value(self, name):
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get(name) or ""

    def filter(self, queryset):
        q = self.data_value("q").strip()
        if q:
            queryset = queryset.filter(
                Q(user__full_name__icontains=q) | Q(user__email__icontains=q)
                | Q(affiliation_text__icontains=q) | Q(affiliation__name_th__icontains=q)
                | Q(affiliation__code__iexact=q)
                | Q(affiliation__search_text__contains=normalize_search_text(q) or q))
        if self.data_value("province"):
            queryset = queryset.filter(home_province_id=self.data_value("province"))
        tag = self.data_value("expertise")
        if tag:
            # A JSON list is matched here rather than in SQL: SQLite cannot test membership
            # in a JSON array, and the pool is a few hundred people.
            wanted = tag.casefold()
            ids = [pk for pk, tags in queryset.values_list("pk", "expertise")
                   if any(str(item).casefold() == wanted for item in tags or [])]
            queryset = queryset.filter(pk__in=ids)
        active = self.data_value("active") or "yes"
        if active == "yes":
            queryset = queryset.filter(is_active=True)
        elif active == "no":
            queryset = queryset.filter(is_active=False)
        return queryset

    @property
    def is_filtered(self) -> bool:
        return any(self.data_value(name) for name in ("q", "province", "expertise")) \
            or self.data_value("active") in ("no", "all")


# -- the profile form --------------------------------------------------------------------------

class AssessorProfileForm(forms.Form):
    """Create or edit a profile. On creation the person is chosen among the accounts with
    the assessor role, or given by e-mail and full name (an account with the assessor role
    is then made, or the role added to an existing account)."""

    user = forms.ModelChoiceField(label=_("Person (an account with the assessor role)"),
                                  queryset=get_user_model().objects.none(), required=False)
    email = forms.EmailField(label=_("or a new person's e-mail address"), required=False)
    full_name = forms.CharField(label=_("Full name"), required=False, max_length=200,
                                help_text=_("Used only when the person has no account yet."))
    affiliation_code = forms.CharField(
        label=_("Affiliation: registered organisation"), required=False, max_length=300,
        help_text=_("Type the organisation's code or name and choose from the suggestions."))
    affiliation_text = forms.CharField(
        label=_("or affiliation outside the registry"), required=False, max_length=255,
        help_text=_("For an outside expert, e.g. a university."))
    home_province = forms.ModelChoiceField(
        label=_("Home province"), queryset=Province.objects.order_by("name_th"),
        empty_label=_("Choose a province"),
        help_text=_("Required: assignment measures the distance to each unit from it."),
        error_messages={"required": _("The home province is required: assignment "
                                      "measures the distance to each unit from it.")})
    expertise = forms.CharField(label=_("Expertise"), required=False, max_length=1000,
                                help_text=_("Separate the tags with commas."))
    phone = forms.CharField(label=_("Phone"), required=False, max_length=100)
    max_visits_per_day = forms.IntegerField(label=_("Maximum visits a day"), min_value=1,
                                            max_value=MAX_VISITS_PER_DAY, initial=4)
    unavailable_dates = BEDateListField(label=_("Dates unavailable"))
    is_active = forms.BooleanField(label=_("Active in the pool"), required=False,
                                   initial=True)

    def __init__(self, data=None, *, profile=None, lookup_url="", **kwargs):
        self.profile = profile
        if profile is not None:
            kwargs.setdefault("initial", {
                "affiliation_code": organization_label(profile.affiliation),
                "affiliation_text": profile.affiliation_text,
                "home_province": profile.home_province_id,
                "expertise": ", ".join(profile.expertise or []),
                "phone": profile.phone,
                "max_visits_per_day": profile.max_visits_per_day,
                "unavailable_dates": profile.unavailable_dates,
                "is_active": profile.is_active})
        super().__init__(data, **kwargs)
        if profile is not None:
            for name in ("user", "email", "full_name"):
                del self.fields[name]
        else:
            del self.fields["is_active"]
            self.fields["user"].queryset = (assessor_users().filter(assessor_profile__isnull=True)
                                            .order_by("full_name", "email"))
            self.fields["user"].empty_label = _("Choose a person")
        if lookup_url:
            self.fields["affiliation_code"].widget.attrs.update(
                lookup_attrs(lookup_url, "affiliation-options"))

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower()

    def clean_affiliation_code(self):
        return find_organization(self.cleaned_data.get("affiliation_code"))

    def clean_expertise(self):
        text = self.cleaned_data.get("expertise") or ""
        return [part for part in (p.strip() for p in text.replace(";", ",").split(",")) if part]

    def clean(self):
        cleaned = super().clean()
        if self.profile is None:
            user, email = cleaned.get("user"), cleaned.get("email")
            if user is None and not email and "email" not in self.errors:
                self.add_error("user", _("Choose a person, or give a new person's e-mail "
                                         "address."))
            elif user is not None and email:
                self.add_error("email", _("Choose a person or give an e-mail address, not "
                                          "both."))
            elif email:
                existing = get_user_model().objects.filter(email__iexact=email).first()
                if existing is not None and hasattr(existing, "assessor_profile"):
                    self.add_error("email", _("%(email)s is already in the assessor pool.")
                                   % {"email": email})
                elif existing is None and not cleaned.get("full_name", "").strip():
                    self.add_error("full_name", _("Give the full name of the new person."))
        if cleaned.get("affiliation_code") and (cleaned.get("affiliation_text") or "").strip():
            self.add_error("affiliation_text", _("Give either a registered organisation or an "
                                                 "outside affiliation, not both."))
        return cleaned

    def profile_values(self) -> dict:
        data = self.cleaned_data
        values = {"affiliation": data.get("affiliation_code"),
                  "affiliation_text": data.get("affiliation_text", ""),
                  "home_province": data["home_province"],
                  "expertise": data.get("expertise", []), "phone": data.get("phone", ""),
                  "max_visits_per_day": data["max_visits_per_day"],
                  "unavailable_dates": data.get("unavailable_dates", [])}
        if "is_active" in self.fields:
            values["is_active"] = data.get("is_active", False)
        return values


# -- the pool upload ---------------------------------------------------------------------------

class PoolImportForm(ImportUploadForm):
    """The registry's upload form (XLSX or CSV, size limit) without its kind."""

    kind = None
    check_only = forms.BooleanField(
        label=_("Only check the file; import nothing"), required=False)
