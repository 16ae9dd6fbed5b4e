from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("units/", views.ServiceUnitListView.as_view(), name="unit.list"),
    path("units/new/", views.ServiceUnitCreateView.as_view(), name="unit.create"),
    path("units/export/", views.ServiceUnitExportView.as_view(), name="unit.export"),
    path("units/<str:code>/", views.ServiceUnitDetailView.as_view(), name="unit.detail"),
    path("units/<str:code>/edit/", views.ServiceUnitUpdateView.as_view(), name="unit.update"),
    path("units/<str:code>/deactivate/", views.ServiceUnitDeactivateView.as_view(),
         name="unit.deactivate"),
    path("units/<str:code>/coordinators/invite/", views.ServiceUnitInviteView.as_view(),
         name="unit.invite"),
    path("units/<str:code>/coordinators/<int:user_id>/remove/",
         views.ServiceUnitCoordinatorRemoveView.as_view(), name="unit.coordinator_remove"),
    path("organizations/", views.OrganizationListView.as_view(), name="organization.list"),
    path("organizations/new/", views.OrganizationCreateView.as_view(),
         name="organization.create"),
    path("organizations/<int:pk>/", views.OrganizationDetailView.as_view(),
         name="organization.detail"),
    path("organizations/<int:pk>/edit/", views.OrganizationUpdateView.as_view(),
         name="organization.update"),
    path("organizations/<int:pk>/deactivate/", views.OrganizationDeactivateView.as_view(),
         name="organization.deactivate"),
    path("imports/new/", views.ImportCreateView.as_view(), name="import.create"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import.detail"),
    path("imports/<int:pk>/check/", views.ImportCheckNowView.as_view(), name="import.check"),
    path("imports/<int:pk>/confirm/", views.ImportConfirmView.as_view(),
         name="import.confirm"),
    path("imports/<int:pk>/errors.<str:fmt>", views.ImportErrorReportView.as_view(),
         name="import.errors"),
    path("imports/templates/<str:kind>.<str:fmt>", views.ImportTemplateView.as_view(),
         name="import.template"),
    path("geo/options/", views.GeoOptionsView.as_view(), name="geo.options"),
]
