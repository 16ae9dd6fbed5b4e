from django.db import models
from django.utils.translation import gettext_lazy as _


class EditionStatus(models.TextChoices):
    EXAMPLE = "example", _("Example")
    OFFICIAL = "official", _("Official")


class NodeKind(models.TextChoices):
    CATEGORY = "category", _("Category")
    CRITERION = "criterion", _("Criterion")
    ITEM = "item", _("Item")


class CategoryKind(models.TextChoices):
    PHYSICAL = "physical", _("Physical")
    QUALITY = "quality", _("Quality")
    OUTCOME = "outcome", _("Visible outcome")


class LevelColour(models.TextChoices):
    BLUE = "blue", _("Blue")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")
