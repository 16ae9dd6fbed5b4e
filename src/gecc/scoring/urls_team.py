"""Team consolidation and members' sheets (``/staff/scoring/``, namespace ``scoring``)."""

from django.urls import path

from gecc.scoring.views import team

urlpatterns = [
    # A round's team sheets: list, CSV, provisional results from the members' medians.
    path("round/<int:round_pk>/teams/", team.TeamListView.as_view(), name="team.list"),
    path("round/<int:round_pk>/teams/export/", team.TeamExportView.as_view(),
         name="team.export"),
    path("round/<int:round_pk>/teams/propose/", team.TeamProposeView.as_view(),
         name="team.propose"),
    path("applications/<int:application_pk>/team/", team.TeamOpenView.as_view(),
         name="team.open"),
    # One team sheet.
    path("teams/<int:pk>/", team.TeamDetailView.as_view(), name="team.detail"),
    path("teams/<int:pk>/consensus/", team.TeamConsensusView.as_view(), name="team.consensus"),
    path("teams/<int:pk>/threshold/", team.TeamThresholdView.as_view(), name="team.threshold"),
    path("teams/<int:pk>/lock/", team.TeamLockView.as_view(), name="team.lock"),
    path("teams/<int:pk>/unlock/", team.TeamUnlockView.as_view(), name="team.unlock"),
    path("teams/<int:pk>/recompute/", team.TeamRecomputeView.as_view(), name="team.recompute"),
    # A member's sheet.
    path("sheets/<int:pk>/", team.SheetDetailView.as_view(), name="sheet.detail"),
    path("sheets/<int:pk>/reopen/", team.SheetReopenView.as_view(), name="sheet.reopen"),
]
