"""Forms of the registry screens: list filters, unit and organisation editing, coordinator
invitations and file uploads. Field rules come from the models and
``gecc.registry.domain.validation``; messages are translatable (Thai by default)."""

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gecc.geography.models import District, Province, Subdistrict
from gecc.registry.enums import ImportKind, UnitType
from gecc.registry.interfaces.importers import max_import_bytes
from gecc.registry.models import Organization, ServiceUnit

ACTIVE_CHOICES = [("yes", _("Active")), ("no", _("Inactive")), ("all", _("All"))]
IMPORT_EXTENSIONS = (".xlsx", ".csv")


def _blank(label):
    return [("", label)]


class UnitFilterForm(forms.Form):
    """The search box and filters above the unit list. Always valid: a bad value is ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={
                            "type": "search", "placeholder": _("Code or name")}))
    province = forms.ChoiceField(label=_("Province"), required=False)
    organization = forms.ChoiceField(label=_("Organisation"), required=False)
    unit_type = forms.ChoiceField(label=_("Unit type"), required=False,
                                  choices=_blank(_("All types")) + list(UnitType.choices))
    active = forms.ChoiceField(label=_("Status"), required=False, choices=ACTIVE_CHOICES)

    def __init__(self, data=None, *, organizations=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["province"].choices = _blank(_("All provinces")) + list(
            Province.objects.order_by("name_th").values_list("code", "name_th"))
        organizations = organizations if organizations is not None else Organization.objects
        self.fields["organization"].choices = _blank(_("All organisations")) + [
            (str(pk), f"{name} ({code})") for pk, code, name in
            organizations.order_by("name_th").values_list("pk", "code", "name_th")]

    def value(self, name):
        if not self.is_bound:
            return ""
        if self.is_valid():
            return self.cleaned_data.get(name) or ""
        return self.cleaned_data.get(name, "") or ""

    def filter(self, queryset, *, similar=False):
        """The filtered units; ``similar`` matches the search box by trigram similarity
        (most similar first) instead of as a substring."""
        from gecc.registry.domain.search import search_units, similar_units

        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("q"):
            queryset = (similar_units if similar else search_units)(queryset, data["q"])
        if data.get("province"):
            queryset = queryset.filter(province_id=data["province"])
        if data.get("organization"):
            queryset = queryset.filter(organization_id=data["organization"])
        if data.get("unit_type"):
            queryset = queryset.filter(unit_type=data["unit_type"])
        active = data.get("active") or "yes"
        if active == "yes":
            queryset = queryset.filter(is_active=True)
        elif active == "no":
            queryset = queryset.filter(is_active=False)
        return queryset

    @property
    def is_filtered(self):
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("q", "province", "organization", "unit_type")) \
            or data.get("active") in ("no", "all")


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={
                            "type": "search", "placeholder": _("Code or name")}))
    parent = forms.ChoiceField(label=_("Parent body"), required=False)
    active = forms.ChoiceField(label=_("Status"), required=False, choices=ACTIVE_CHOICES)

    def __init__(self, data=None, *, organizations=None, **kwargs):
        super().__init__(data, **kwargs)
        organizations = organizations if organizations is not None else Organization.objects
        parents = organizations.filter(children__isnull=False).distinct()
        self.fields["parent"].choices = (
            _blank(_("Any parent")) + [("none", _("Top level (no parent)"))]
            + [(str(pk), f"{name} ({code})") for pk, code, name in
               parents.order_by("name_th").values_list("pk", "code", "name_th")])

    def filter(self, queryset):
        from gecc.registry.domain.search import search_organizations

        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("q"):
            queryset = search_organizations(queryset, data["q"])
        parent = data.get("parent")
        if parent == "none":
            queryset = queryset.filter(parent__isnull=True)
        elif parent:
            queryset = queryset.filter(parent_id=parent)
        active = data.get("active") or "yes"
        if active == "yes":
            queryset = queryset.filter(is_active=True)
        elif active == "no":
            queryset = queryset.filter(is_active=False)
        return queryset


class ServiceUnitForm(forms.ModelForm):
    """Create or edit a unit. The address is chosen province → district → subdistrict
    (chained selects) or by typing the six-digit subdistrict code; the server derives the
    district and province from the subdistrict."""

    province = forms.CharField(label=_("Province"), required=False,
                               widget=forms.Select())
    district = forms.CharField(label=_("District"), required=False, widget=forms.Select())
    subdistrict = forms.CharField(label=_("Subdistrict"), required=False,
                                  widget=forms.Select())
    subdistrict_code = forms.CharField(
        label=_("or subdistrict code"), required=False, max_length=6,
        help_text=_("The six-digit DOPA code, if you know it (used instead of the lists)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{6}",
                                      "autocomplete": "off"}))

    class Meta:
        model = ServiceUnit
        fields = ["code", "organization", "name_th", "name_en", "unit_type", "address",
                  "postcode", "latitude", "longitude", "phone", "email", "opening_hours",
                  "services"]
        widgets = {
            "address": forms.TextInput(),
            "postcode": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 5}),
            "latitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "opening_hours": forms.Textarea(attrs={"rows": 2}),
            "services": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, organizations=None, keep_organization=False, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The code is what other records and files refer to: it never changes here.
            self.fields["code"].disabled = True
        if keep_organization and self.instance.pk:
            # A unit's coordinator edits its details; moving it to another body is the
            # secretariat's decision.
            self.fields["organization"].disabled = True
        organizations = organizations if organizations is not None else Organization.objects
        queryset = organizations.filter(is_active=True)
        if self.instance.pk and self.instance.organization_id:
            queryset = organizations.filter(is_active=True) | organizations.filter(
                pk=self.instance.organization_id)
        self.fields["organization"].queryset = queryset.order_by("name_th")
        self._set_place_choices()

    def _initial_place(self):
        if self.is_bound:
            return (self.data.get(self.add_prefix("province"), ""),
                    self.data.get(self.add_prefix("district"), ""),
                    self.data.get(self.add_prefix("subdistrict"), ""))
        unit = self.instance
        if unit.subdistrict_id:
            self.initial.setdefault("province", unit.province_id)
            self.initial.setdefault("district", unit.district_id)
            self.initial.setdefault("subdistrict", unit.subdistrict_id)
            return unit.province_id, unit.district_id, unit.subdistrict_id
        return "", "", ""

    def _set_place_choices(self):
        province, district, _subdistrict = self._initial_place()
        self.fields["province"].widget.choices = province_options()
        self.fields["district"].widget.choices = district_options(province)
        self.fields["subdistrict"].widget.choices = subdistrict_options(district)

    def clean_subdistrict_code(self):
        return (self.cleaned_data.get("subdistrict_code") or "").strip()

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("subdistrict_code") or cleaned.get("subdistrict") or ""
        subdistrict = None
        if not code:
            self.add_error("subdistrict", _("Choose the subdistrict, or type its code."))
        else:
            subdistrict = Subdistrict.objects.filter(code=code).first()
            if subdistrict is None:
                field = "subdistrict_code" if cleaned.get("subdistrict_code") else "subdistrict"
                self.add_error(field, _("Unknown DOPA subdistrict code %(code)s (six digits).")
                               % {"code": code})
        if subdistrict is not None:
            self.instance.subdistrict = subdistrict
            self.instance.district_id = subdistrict.district_id
            self.instance.province_id = subdistrict.province_id
            cleaned["subdistrict_obj"] = subdistrict
        return cleaned


def province_options():
    return _blank(_("Choose a province")) + list(
        Province.objects.order_by("name_th").values_list("code", "name_th"))


def district_options(province_code):
    if not province_code:
        return _blank(_("Choose a province first"))
    return _blank(_("Choose a district")) + list(
        District.objects.filter(province_id=province_code).order_by("name_th")
        .values_list("code", "name_th"))


def subdistrict_options(district_code):
    if not district_code:
        return _blank(_("Choose a district first"))
    return _blank(_("Choose a subdistrict")) + [
        (code, f"{name} ({postcodes.replace(',', ', ')})") for code, name, postcodes in
        Subdistrict.objects.filter(district_id=district_code).order_by("name_th")
        .values_list("code", "name_th", "postcodes")]


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["code", "name_th", "name_en", "abbreviation", "kind", "parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
        parents = Organization.objects.filter(is_active=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.order_by("name_th")

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk:
            node, seen = parent, set()
            while node is not None and node.pk not in seen:
                if node.pk == self.instance.pk:
                    raise ValidationError(
                        _("An organisation cannot sit under itself or one of its own "
                          "sub-organisations."), code="cycle")
                seen.add(node.pk)
                node = node.parent
        return parent


class InviteCoordinatorForm(forms.Form):
    email = forms.EmailField(label=_("Email address"),
                             error_messages={"invalid": _("Enter a valid email address.")})
    full_name = forms.CharField(label=_("Full name"), required=False, max_length=200,
                                help_text=_("Used only when the person has no account yet."))

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file contains"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in IMPORT_EXTENSIONS:
            raise ValidationError(
                _("Unknown file type “%(name)s”: upload an XLSX workbook or a CSV file.")
                % {"name": upload.name}, code="file_type")
        limit = max_import_bytes()
        if upload.size > limit:
            raise ValidationError(
                _("The file is larger than %(limit)s MB; split it into smaller files.")
                % {"limit": f"{limit / (1024 * 1024):g}"}, code="file_size")
        return upload
