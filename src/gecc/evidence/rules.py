"""Who may see and change evidence: exactly who may see and change the application the
file's answer belongs to (``applications.view_application`` / ``change_application``).

The object may be an ``EvidenceFile`` or an ``Answer``.
"""

import rules


def application_of(obj):
    answer = getattr(obj, "answer", obj)
    return getattr(answer, "application", None)


@rules.predicate
def may_view_application(user, obj):
    application = application_of(obj)
    return application is not None and user.has_perm("applications.view_application",
                                                     application)


@rules.predicate
def may_change_application(user, obj):
    application = application_of(obj)
    return application is not None and user.has_perm("applications.change_application",
                                                     application)


rules.add_perm("evidence.view_evidence", may_view_application)
rules.add_perm("evidence.change_evidence", may_change_application)
