"""Unit portal: what a service-unit coordinator works in."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from rules.contrib.views import permission_required


@login_required
@permission_required("portal.access", raise_exception=True)
def home(request):
    return render(request, "portal/home.html")
