"""The people of the assessment sub-committees: the assessor pool, the sub-committees of a
round and their members, conflicts of interest (the secretariat's pages and the member's
own page)."""

from django.urls import path

from gecc.committees.views import conflicts, people, subcommittees

urlpatterns = [
    # The assessor pool.
    path("assessors/", people.AssessorListView.as_view(), name="assessor.list"),
    path("assessors/new/", people.AssessorCreateView.as_view(), name="assessor.create"),
    path("assessors/<int:pk>/edit/", people.AssessorEditView.as_view(), name="assessor.edit"),
    path("assessors/import/", people.AssessorImportView.as_view(), name="assessor.import"),
    path("assessors/export/", people.AssessorExportView.as_view(), name="assessor.export"),
    path("lookup/organizations/", people.OrganizationLookupView.as_view(),
         name="lookup.organizations"),
    path("lookup/units/", people.UnitLookupView.as_view(), name="lookup.units"),
    # Sub-committees of a round.
    path("subcommittees/", subcommittees.SubCommitteeIndexView.as_view(),
         name="subcommittee.index"),
    path("rounds/<int:round_pk>/subcommittees/", subcommittees.SubCommitteeListView.as_view(),
         name="subcommittee.list"),
    path("rounds/<int:round_pk>/subcommittees/new/",
         subcommittees.SubCommitteeCreateView.as_view(), name="subcommittee.create"),
    path("subcommittees/<int:pk>/", subcommittees.SubCommitteeDetailView.as_view(),
         name="subcommittee.detail"),
    path("subcommittees/<int:pk>/edit/", subcommittees.SubCommitteeEditView.as_view(),
         name="subcommittee.edit"),
    path("subcommittees/<int:pk>/members/add/", subcommittees.MemberAddView.as_view(),
         name="member.add"),
    path("members/<int:pk>/position/", subcommittees.MemberPositionView.as_view(),
         name="member.position"),
    path("members/<int:pk>/remove/", subcommittees.MemberRemoveView.as_view(),
         name="member.remove"),
    # Conflicts of interest.
    path("rounds/<int:round_pk>/conflicts/", conflicts.ConflictListView.as_view(),
         name="conflict.list"),
    path("rounds/<int:round_pk>/conflicts/export/", conflicts.ConflictExportView.as_view(),
         name="conflict.export"),
    path("rounds/<int:round_pk>/conflicts/detect/", conflicts.ConflictDetectView.as_view(),
         name="conflict.detect"),
    path("conflicts/<int:pk>/override/", conflicts.ConflictOverrideView.as_view(),
         name="conflict.override"),
    path("my-conflicts/", conflicts.MyConflictsView.as_view(), name="conflict.mine"),
    path("my-conflicts/declare/", conflicts.ConflictDeclareView.as_view(),
         name="conflict.declare"),
    path("my-conflicts/<int:pk>/withdraw/", conflicts.ConflictWithdrawView.as_view(),
         name="conflict.withdraw"),
]
