from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditEntryListView.as_view(), name="entry.list"),
    path("export.csv", views.AuditEntryExportView.as_view(), name="entry.export"),
    path("<int:pk>/", views.AuditEntryDetailView.as_view(), name="entry.detail"),
]
