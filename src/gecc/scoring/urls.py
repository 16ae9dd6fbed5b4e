"""The scoring app's staff pages (``/staff/scoring/``, namespace ``scoring``): team
consolidation and members' sheets, calibration, findings and feedback reports."""

from gecc.scoring.urls_calibration import urlpatterns as calibration
from gecc.scoring.urls_feedback import urlpatterns as feedback
from gecc.scoring.urls_team import urlpatterns as team

app_name = "scoring"

urlpatterns = [*team, *calibration, *feedback]
