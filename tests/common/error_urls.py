"""The project's URLs plus one view that fails, for the 500 page (``pytest.mark.urls``)."""

from django.urls import path

from gecc.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def broken(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [*urlpatterns, path("broken/", broken)]
