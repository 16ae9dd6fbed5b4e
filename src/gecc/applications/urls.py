from django.urls import path

from gecc.applications import views

app_name = "applications"

urlpatterns = [
    path("review/", views.ApplicationReviewListView.as_view(), name="review.list"),
    path("review/export/", views.ApplicationReviewExportView.as_view(), name="review.export"),
    path("review/bulk-accept/", views.ApplicationBulkAcceptView.as_view(),
         name="review.bulk_accept"),
    path("review/<int:pk>/", views.ApplicationReviewDetailView.as_view(),
         name="review.detail"),
    path("review/<int:pk>/screening/", views.ApplicationScreeningView.as_view(),
         name="review.screening"),
    path("review/<int:pk>/comments/", views.ReviewCommentCreateView.as_view(),
         name="review.comment_add"),
    path("review/<int:pk>/comments/<int:comment_pk>/resolve/",
         views.ReviewCommentResolveView.as_view(), name="review.comment_resolve"),
    path("review/<int:pk>/return/", views.ApplicationReturnView.as_view(),
         name="review.return"),
    path("review/<int:pk>/accept/", views.ApplicationAcceptView.as_view(),
         name="review.accept"),
    path("review/<int:pk>/reject/", views.ApplicationRejectView.as_view(),
         name="review.reject"),
]
