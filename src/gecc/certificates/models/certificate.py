from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import Role
from gecc.accounts.scoping import ALL, RoleScopedQuerySet
from gecc.applications.scoping import coordinator_scope
from gecc.certificates.enums import CertificateState


class CertificateQuerySet(RoleScopedQuerySet):
    """Staff and portal scoping. The public site never lists certificates through this:
    it reads only public fields through ``certificates.domain.public``."""

    def role_scope(self, role, user):
        if role in (Role.SECRETARIAT, Role.STEERING):
            return ALL
        if role == Role.COORDINATOR:
            from gecc.applications.models import Application

            return models.Q(application__in=Application.objects.filter(
                coordinator_scope(user)))
        return None


class Certificate(models.Model):
    """A certificate issued on a final certify decision: a unique number
    (``GECC-<B.E. year>-<6-digit sequence of that year>``), the unit and its organisation,
    the level (its names and colour kept as they were on the edition), valid from the
    decision date for ``CERTIFICATE_VALID_YEARS`` years. One per application."""

    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    year = models.PositiveIntegerField(_("year (B.E.)"))
    sequence = models.PositiveIntegerField(_("sequence"))
    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT,
                                       related_name="certificate",
                                       verbose_name=_("application"))
    decision = models.ForeignKey("decisions.Decision", on_delete=models.PROTECT,
                                 related_name="certificates", verbose_name=_("decision"))
    unit = models.ForeignKey("registry.ServiceUnit", on_delete=models.PROTECT,
                             related_name="certificates", verbose_name=_("service unit"))
    organization = models.ForeignKey("registry.Organization", on_delete=models.PROTECT,
                                     related_name="certificates",
                                     verbose_name=_("organisation"))
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT,
                              related_name="certificates", verbose_name=_("round"))
    renews = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="renewed_by",
                               verbose_name=_("renews certificate"))
    level = models.CharField(_("level"), max_length=40)
    level_rank = models.PositiveSmallIntegerField(_("level rank"), default=1)
    level_name_th = models.CharField(_("level (Thai)"), max_length=100)
    level_name_en = models.CharField(_("level (English)"), max_length=100, blank=True)
    colour = models.CharField(_("colour"), max_length=20, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    state = models.CharField(_("state"), max_length=20, choices=CertificateState.choices,
                             default=CertificateState.ISSUED)
    state_reason = models.TextField(_("reason"), blank=True)
    state_changed_at = models.DateTimeField(_("state changed"), null=True, blank=True)
    state_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                         null=True, blank=True, related_name="+",
                                         verbose_name=_("state changed by"))
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("issued by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-year", "sequence"]
        constraints = [models.UniqueConstraint(fields=["year", "sequence"],
                                               name="certificate_sequence_unique_per_year")]
        indexes = [models.Index(fields=["state", "valid_until"]),
                   models.Index(fields=["unit", "-valid_until"])]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("certificates:certificate.detail", args=[self.pk])

    def get_verify_url(self):
        return reverse("public:verify", args=[self.number])


class CertificateSequence(models.Model):
    """The last certificate sequence number used in a B.E. year (read with
    ``select_for_update`` so two issuers never take the same number)."""

    year = models.PositiveIntegerField(_("year (B.E.)"), unique=True)
    last = models.PositiveIntegerField(_("last sequence"), default=0)

    class Meta:
        verbose_name = _("certificate sequence")
        verbose_name_plural = _("certificate sequences")

    def __str__(self):
        return f"{self.year}: {self.last}"


class CertificateReminder(models.Model):
    """A renewal reminder sent to the unit's coordinators N days before the end of a
    certificate's validity; unique per (certificate, days), so each is sent once."""

    certificate = models.ForeignKey("certificates.Certificate", on_delete=models.CASCADE,
                                    related_name="reminders", verbose_name=_("certificate"))
    days_before = models.PositiveSmallIntegerField(_("days before expiry"))
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("renewal reminder")
        verbose_name_plural = _("renewal reminders")
        ordering = ["certificate", "-days_before"]
        constraints = [models.UniqueConstraint(fields=["certificate", "days_before"],
                                               name="reminder_once_per_certificate_days")]

    def __str__(self):
        return f"{self.certificate} −{self.days_before}"
