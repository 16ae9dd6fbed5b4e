"""The decisions app's staff pages (``/staff/decisions/``, namespace ``decisions``): the
steering-committee meetings and decisions, the report of proposed results, appeals and
complaints; one URL module per part."""

from gecc.decisions.urls_appeals import urlpatterns as appeals
from gecc.decisions.urls_complaints import urlpatterns as complaints
from gecc.decisions.urls_meetings import urlpatterns as meetings
from gecc.decisions.urls_report import urlpatterns as report

app_name = "decisions"

urlpatterns = [*meetings, *report, *appeals, *complaints]
