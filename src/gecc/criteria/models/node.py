from django.db import models
from django.utils.translation import gettext_lazy as _

from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.criteria.enums import CategoryKind, NodeKind

from .edition import VIEWER_ROLES
from .edition_version import EditionLockedError


class NodeQuerySet(RoleScopedQuerySet):
    def role_scope(self, role, user):
        return ALL if role in VIEWER_ROLES else None

    def update(self, **kwargs):
        if self.filter(version__locked=True).exists():
            raise EditionLockedError("Criteria of a locked version cannot be changed")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(version__locked=True).exists():
            raise EditionLockedError("Criteria of a locked version cannot be deleted")
        return super().delete()


class Node(models.Model):
    """A category, criterion or item of one edition version. ``position`` numbers the
    version's nodes in document order (a category, its first criterion, that criterion's
    items, the next criterion…; ``editions.document_positions``). Versions loaded before
    that numbered categories first, then criteria, then items; their rows are locked and
    keep it, and every reader walks the tree by parent, which reads the same in both."""

    version = models.ForeignKey("criteria.EditionVersion", on_delete=models.CASCADE,
                                related_name="nodes", verbose_name=_("version"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="children", verbose_name=_("parent"))
    kind = models.CharField(_("kind"), max_length=20, choices=NodeKind.choices)
    position = models.PositiveIntegerField(_("position"))
    ref = models.CharField(_("reference"), max_length=40)
    category_kind = models.CharField(_("category kind"), max_length=20,
                                     choices=CategoryKind.choices, blank=True)
    text_th = models.TextField(_("Thai text"))
    text_en = models.TextField(_("English text"), blank=True)
    guidance_th = models.TextField(_("guidance (Thai)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    evidence_th = models.TextField(_("evidence (Thai)"), blank=True)
    evidence_en = models.TextField(_("evidence (English)"), blank=True)
    mandatory = models.BooleanField(_("mandatory"), default=False)
    met_score = models.IntegerField(_("score that counts as met"), null=True, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=9, decimal_places=4, null=True,
                                 blank=True)
    na_allowed = models.BooleanField(_("N/A allowed"), default=False)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    applies_to = models.JSONField(_("unit types"), default=list, blank=True)
    scale = models.CharField(_("scale"), max_length=40, blank=True)
    search_text = models.TextField(editable=False, blank=True)

    objects = NodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("criteria node")
        verbose_name_plural = _("criteria nodes")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "ref"],
                                               name="criteria_node_unique_ref")]

    def __str__(self):
        return f"{self.ref} {self.text_th}"

    def save(self, *args, **kwargs):
        if self._version_locked():
            raise EditionLockedError(f"{self.version} is in use by a round and cannot change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._version_locked():
            raise EditionLockedError(f"{self.version} is in use by a round and cannot change")
        return super().delete(*args, **kwargs)

    def _version_locked(self):
        return type(self.version).objects.filter(pk=self.version_id, locked=True).exists()
