from django.urls import include, path

app_name = "committees"

# Two groups of pages: the people (assessor pool, sub-committees, conflicts of interest)
# and the assignment of applications to sub-committees.
urlpatterns = [
    path("", include("gecc.committees.urls_people")),
    path("assignment/", include("gecc.committees.urls_assignment")),
]
