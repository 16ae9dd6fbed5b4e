from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

app_name = "api"


@api_view(["GET"])
@permission_classes([AllowAny])
def status(request):
    """A liveness probe for load balancers and monitoring."""
    return Response({"status": "ok", "service": "gecc-certify"})


urlpatterns = [path("status/", status, name="status")]
