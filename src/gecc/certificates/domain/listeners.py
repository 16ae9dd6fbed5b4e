"""Certificates follow decisions: registered with
``decisions.domain.hooks.register_decision_listener`` (imported by ``checks.py``).

``on_decision(decision, actor, *, event, request=None)`` runs inside the decision's
transaction, so a refusal undoes the whole transition:

* ``final`` (the meeting was closed): a certify decision gets its certificate
  (``issue.issue_certificate``), unless the application already has one;
* ``changed`` (on appeal or by a correction):
  - certify, no certificate yet → issue one;
  - certify at another level → the same certificate (same number and validity) reads the
    new level (``issue.change_certificate_level``, audited ``certificate.level_changed``);
  - not certify or defer → a valid or suspended certificate is withdrawn
    (``lifecycle.withdraw_certificate``) with the decision's reason (an expired or
    withdrawn one is left as it is).
"""

from django.utils.translation import gettext as _

from gecc.decisions.domain.hooks import CHANGED, FINAL, register_decision_listener


def on_decision(decision, actor, *, event, request=None):
    from gecc.certificates.domain.issue import change_certificate_level, issue_certificate
    from gecc.certificates.enums import CertificateState
    from gecc.certificates.models import Certificate
    from gecc.decisions.enums import DecisionOutcome

    certificate = Certificate.objects.filter(application_id=decision.application_id).first()
    certify = decision.outcome == DecisionOutcome.CERTIFY
    if event == FINAL:
        if certify and certificate is None:
            issue_certificate(decision, actor, request=request)
        return
    if event != CHANGED:
        return
    if certify:
        if certificate is None:
            issue_certificate(decision, actor, request=request)
        elif certificate.level != decision.level:
            change_certificate_level(certificate, decision, actor, request=request)
    elif certificate is not None and certificate.state in (CertificateState.ISSUED,
                                                           CertificateState.SUSPENDED):
        from gecc.certificates.domain.lifecycle import withdraw_certificate

        reason = decision.reason or _("The steering committee's decision was changed: the "
                                      "unit is no longer certified.")
        withdraw_certificate(certificate, actor, reason=reason, request=request)


register_decision_listener(on_decision)
