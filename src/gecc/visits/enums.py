from django.db import models
from django.utils.translation import gettext_lazy as _


class ItineraryState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
