from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _now_and_on_commit(bump):
    # Now, and again once the transaction commits: a page rendered between the save and the
    # commit (still showing the old row) must not stay under the new key.
    bump()
    transaction.on_commit(bump)


def _certificate_saved(sender, instance, **kwargs):
    from gecc.public.caching import certificate_changed, registry_changed

    number = instance.number

    def bump():
        certificate_changed(number)
        registry_changed()

    _now_and_on_commit(bump)


def _registry_saved(sender, instance, **kwargs):
    from gecc.public.caching import registry_changed

    _now_and_on_commit(registry_changed)


class PublicConfig(AppConfig):
    name = "gecc.public"

    def ready(self):
        # The public pages' cache (gecc.public.caching): a saved or deleted certificate,
        # unit or organisation makes the cached pages that show it stale at once.
        from gecc.certificates.models import Certificate
        from gecc.registry.models import Organization, ServiceUnit

        for signal in (post_save, post_delete):
            signal.connect(_certificate_saved, sender=Certificate,
                           dispatch_uid="gecc.public.certificate_saved")
            signal.connect(_registry_saved, sender=ServiceUnit,
                           dispatch_uid=f"gecc.public.unit_saved.{signal is post_save}")
            signal.connect(_registry_saved, sender=Organization,
                           dispatch_uid=f"gecc.public.organization_saved.{signal is post_save}")
