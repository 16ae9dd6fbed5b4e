from django.db import models
from django.utils.translation import gettext_lazy as _


class Subdistrict(models.Model):
    """A subdistrict (ตำบล / แขวง), keyed by its six-digit DOPA code.

    ``postcodes`` holds the Thailand Post codes used in the subdistrict, comma separated
    (most have one, a few span two or three post office zones).
    """

    code = models.CharField(_("DOPA code"), max_length=6, primary_key=True)
    district = models.ForeignKey("geography.District", on_delete=models.PROTECT,
                                 related_name="subdistricts", verbose_name=_("district"))
    province = models.ForeignKey("geography.Province", on_delete=models.PROTECT,
                                 related_name="subdistricts", verbose_name=_("province"))
    name_th = models.CharField(_("Thai name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    postcodes = models.CharField(_("postcodes"), max_length=40)

    class Meta:
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")
        ordering = ["code"]

    def __str__(self):
        return self.name_th

    @property
    def postcode_list(self) -> list[str]:
        return [code for code in self.postcodes.split(",") if code]

    def has_postcode(self, postcode: str) -> bool:
        return postcode in self.postcode_list
