from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.registry.domain.search import search_text_for
from gecc.registry.domain.validation import validate_code
from gecc.registry.enums import OrganizationKind


class OrganizationQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        if role in (Role.SECRETARIAT, Role.ASSESSOR, Role.STEERING):
            return ALL
        if role == Role.COORDINATOR:
            # The organisations of the units the user coordinates (a semi-join).
            from gecc.registry.models.service_unit import ServiceUnit, coordinated_by

            return Q(Exists(ServiceUnit.objects.filter(coordinated_by(user),
                                                       organization_id=OuterRef("pk"))))
        return None

    def active(self):
        return self.filter(is_active=True)


class Organization(models.Model):
    """A public body: a ministry or independent body at the top, then departments, state
    enterprises or provincial administrations, then any further levels (``parent``)."""

    code = models.CharField(_("code"), max_length=30, unique=True, validators=[validate_code])
    name_th = models.CharField(_("Thai name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    abbreviation = models.CharField(
        _("abbreviation"), max_length=50, blank=True,
        help_text=_("The short name people search by, such as ธ.ก.ส. or กฟภ."))
    kind = models.CharField(_("kind"), max_length=30, choices=OrganizationKind.choices,
                            default=OrganizationKind.OTHER)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name=_("parent body"))
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["code"]

    def __str__(self):
        return self.name_th

    def save(self, *args, **kwargs):
        self.search_text = self.compute_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        renamed = self.pk is not None and self.search_text != getattr(
            self, "_saved_search_text", None)
        super().save(*args, **kwargs)
        self._saved_search_text = self.search_text
        if renamed:
            # The units' search text carries their organisation's names and abbreviation.
            from gecc.registry.domain.units import refresh_unit_search_text

            refresh_unit_search_text([self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_search_text = instance.__dict__.get("search_text")
        return instance

    def compute_search_text(self):
        return search_text_for(self.code, self.name_th, self.name_en, self.abbreviation)

    def search_parts(self) -> tuple[str, str, str]:
        """What a unit's search text takes from its organisation (``unit_search_text``)."""
        return (self.name_th, self.name_en, self.abbreviation)

    def ancestors(self):
        """Parents from the nearest up to the top."""
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain
