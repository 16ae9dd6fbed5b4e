"""The certificates app's staff pages (``/staff/certificates/``, namespace
``certificates``): certificates, bulk generation, lifecycle; one URL module per part."""

from gecc.certificates.urls_issue import urlpatterns as issue
from gecc.certificates.urls_lifecycle import urlpatterns as lifecycle

app_name = "certificates"

urlpatterns = [*issue, *lifecycle]
