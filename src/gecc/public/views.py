"""The public site: anyone, no sign-in."""

from django.shortcuts import render


def home(request):
    return render(request, "public/home.html")
