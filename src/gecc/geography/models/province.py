from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    """A province (จังหวัด), keyed by its two-digit DOPA code."""

    code = models.CharField(_("DOPA code"), max_length=2, primary_key=True)
    name_th = models.CharField(_("Thai name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    coordinates_approximate = models.BooleanField(_("approximate coordinates"), default=False)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["code"]

    def __str__(self):
        return self.name_th
