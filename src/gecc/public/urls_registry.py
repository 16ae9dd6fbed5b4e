"""The public registry of certified centres and certificate verification (no sign-in)."""

from django.urls import path

from gecc.public import views_registry as views

urlpatterns = [
    path("registry/", views.RegistrySearchView.as_view(), name="registry.search"),
    path("registry/provinces/", views.RegistryProvinceSummaryView.as_view(),
         name="registry.provinces"),
    path("registry/centre/<str:code>/", views.RegistryCentreView.as_view(),
         name="registry.centre"),
    path("verify/", views.VerifyFormView.as_view(), name="verify.form"),
    path("verify/<str:number>/", views.VerifyView.as_view(), name="verify"),
]
