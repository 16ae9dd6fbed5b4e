"""Who may see and change evidence. Seeing: the file is in ``EvidenceFile.objects.
visible_to(user)`` (the files of the applications the user sees, none for the steering
committee). Changing: exactly who may change the application the file's answer belongs to
(``applications.change_application``).

The object may be an ``EvidenceFile`` or an ``Answer``.
"""

import rules


def application_of(obj):
    answer = getattr(obj, "answer", obj)
    return getattr(answer, "application", None)


@rules.predicate
def may_view_evidence(user, obj):
    """The file (or the answer's files) is in the user's evidence scope
    (``EvidenceFile.objects.visible_to``): the files of the applications they see, never
    for the steering committee."""
    from gecc.evidence.models import EvidenceFile
    from gecc.evidence.models.evidence_file import answers_with_visible_evidence

    if obj is None or getattr(obj, "pk", None) is None:
        return False
    if isinstance(obj, EvidenceFile):
        return EvidenceFile.objects.visible_to(user).filter(pk=obj.pk).exists()
    return answers_with_visible_evidence(user).filter(pk=obj.pk).exists()


@rules.predicate
def may_change_application(user, obj):
    application = application_of(obj)
    return application is not None and user.has_perm("applications.change_application",
                                                     application)


rules.add_perm("evidence.view_evidence", may_view_evidence)
rules.add_perm("evidence.change_evidence", may_change_application)
