import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.registry.domain.search import unit_search_text
from gecc.registry.domain.validation import (
    validate_code,
    validate_coordinates,
    validate_email,
    validate_phone,
    validate_postcode,
)
from gecc.registry.enums import UnitType


def coordinated_by(user, unit_path: str = "pk") -> Q:
    """The rows whose service unit (the column ``unit_path``: ``"pk"`` here,
    ``"unit_id"`` or ``"application__unit_id"`` elsewhere) ``user`` coordinates. A
    semi-join on the coordinators' link table (``EXISTS``), never a join that repeats rows:
    row scopes use it (``accounts.scoping``)."""
    ids = getattr(user, "_coordinated_unit_ids", None)
    if ids is not None:
        # Read once for this request (remember_coordinated_units): a list of ids is cheaper
        # for Django to compile and for the database to plan than the semi-join.
        return Q(**{f"{unit_path}__in": sorted(ids)})
    links = ServiceUnit.coordinators.through.objects.filter(
        serviceunit_id=OuterRef(unit_path), user_id=user.pk)
    return Q(Exists(links))


def coordinated_unit_ids(user) -> frozenset:
    """The units ``user`` coordinates: the set kept by :func:`remember_coordinated_units`
    for this request's user, otherwise read now."""
    ids = getattr(user, "_coordinated_unit_ids", None)
    return _read_coordinated_unit_ids(user) if ids is None else ids


def _read_coordinated_unit_ids(user) -> frozenset:
    return frozenset(ServiceUnit.coordinators.through.objects.filter(user_id=user.pk)
                     .values_list("serviceunit_id", flat=True))


def remember_coordinated_units(user) -> None:
    """Read the units a request's user coordinates once for the whole request (the portal's
    views do this): a page asks "may this coordinator see / change / submit it" several
    times, and scopes every lookup to those units; each would otherwise be a query or a
    semi-join. Only for ``request.user``, which lives for one request, so a change of
    coordinators is seen by the next request."""
    user._coordinated_unit_ids = _read_coordinated_unit_ids(user)


class ServiceUnitQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        if role in (Role.SECRETARIAT, Role.ASSESSOR, Role.STEERING):
            return ALL
        if role == Role.COORDINATOR:
            return coordinated_by(user)
        return None

    def active(self):
        return self.filter(is_active=True)


class ServiceUnit(models.Model):
    """A service unit (ศูนย์บริการ / สาขา) of an organisation: the thing that is certified.

    A unit that other records point to is deactivated, never deleted
    (``gecc.registry.domain.units.deactivate_unit``).
    """

    code = models.CharField(_("unit code"), max_length=30, unique=True,
                            validators=[validate_code])
    organization = models.ForeignKey("registry.Organization", on_delete=models.PROTECT,
                                     related_name="units", verbose_name=_("organisation"))
    name_th = models.CharField(_("Thai name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    unit_type = models.CharField(_("unit type"), max_length=30, choices=UnitType.choices,
                                 default=UnitType.OTHER)
    address = models.CharField(_("address"), max_length=500, blank=True)
    province = models.ForeignKey("geography.Province", on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("province"))
    district = models.ForeignKey("geography.District", on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("district"))
    subdistrict = models.ForeignKey("geography.Subdistrict", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("subdistrict"))
    postcode = models.CharField(_("postcode"), max_length=5)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    phone = models.CharField(_("phone"), max_length=100, blank=True, validators=[validate_phone])
    email = models.CharField(_("email"), max_length=254, blank=True, validators=[validate_email])
    opening_hours = models.TextField(_("opening hours"), blank=True)
    visit_window_start = models.TimeField(
        _("site visits from"), default=datetime.time(8, 30),
        help_text=_("When a sub-committee may arrive for a site visit (opening hours)."))
    visit_window_end = models.TimeField(_("site visits until"), default=datetime.time(16, 30))
    services = models.TextField(_("services offered"), blank=True,
                                help_text=_("One service per line."))
    coordinators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                          related_name="coordinated_units",
                                          verbose_name=_("coordinators"))
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ServiceUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("service unit")
        verbose_name_plural = _("service units")
        ordering = ["code"]
        indexes = [models.Index(fields=["province", "district"]),
                   models.Index(fields=["organization", "is_active"]),
                   # The list sorted by province (in DOPA code order) reads this index.
                   models.Index(fields=["province", "name_th", "code"],
                                name="registry_unit_by_province")]

    def __str__(self):
        return self.name_th

    def save(self, *args, **kwargs):
        if self.subdistrict_id and (not self.district_id or not self.province_id):
            self.district_id = self.subdistrict.district_id
            self.province_id = self.subdistrict.province_id
        self.search_text = self.compute_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    @property
    def service_list(self) -> list[str]:
        return [line.strip() for line in self.services.splitlines() if line.strip()]

    def coordinator_emails(self) -> list[str]:
        """The e-mail addresses of the unit's active coordinators, in order: whom the unit's
        notices go to."""
        return list(self.coordinators.filter(is_active=True).order_by("email")
                    .values_list("email", flat=True))

    def compute_search_text(self, organization_parts=None):
        """The unit's code and names, then its organisation's names and abbreviation
        (``organization_parts``, or read from ``self.organization``)."""
        if organization_parts is None and self.organization_id:
            organization_parts = self.organization.search_parts()
        return unit_search_text(self.code, self.name_th, self.name_en, organization_parts)

    def clean_fields(self, exclude=None):
        # District and province follow from the subdistrict's DOPA code.
        if self.subdistrict_id:
            self.district_id = self.subdistrict.district_id
            self.province_id = self.subdistrict.province_id
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        errors = {}
        if self.subdistrict_id:
            subdistrict = self.subdistrict
            try:
                validate_postcode(self.postcode, subdistrict)
            except ValidationError as exc:
                errors["postcode"] = exc
        try:
            validate_coordinates(self.latitude, self.longitude)
        except ValidationError as exc:
            errors["latitude"] = exc
        if errors:
            raise ValidationError(errors)
