from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    """A district (อำเภอ / เขต), keyed by its four-digit DOPA code."""

    code = models.CharField(_("DOPA code"), max_length=4, primary_key=True)
    province = models.ForeignKey("geography.Province", on_delete=models.PROTECT,
                                 related_name="districts", verbose_name=_("province"))
    name_th = models.CharField(_("Thai name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    coordinates_approximate = models.BooleanField(
        _("approximate coordinates"), default=False,
        help_text=_("The point is the province's, because the district could not be located."),
    )

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]

    def __str__(self):
        return self.name_th
