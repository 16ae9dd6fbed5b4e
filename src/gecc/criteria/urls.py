from django.urls import path

from . import views

app_name = "criteria"

urlpatterns = [
    path("", views.EditionVersionListView.as_view(), name="version.list"),
    path("upload/", views.EditionVersionUploadView.as_view(), name="version.upload"),
    path("diff/", views.EditionVersionDiffView.as_view(), name="version.diff"),
    path("<int:pk>/", views.EditionVersionDetailView.as_view(), name="version.detail"),
    path("<int:pk>/export.xlsx", views.EditionVersionExportView.as_view(),
         name="version.export"),
]
