from django.urls import path

from gecc.evidence import views

app_name = "evidence"

urlpatterns = [
    path("<uuid:public_id>/download/", views.EvidenceFileDownloadView.as_view(),
         name="file.download"),
    path("<uuid:public_id>/replace/", views.EvidenceFileReplaceView.as_view(),
         name="file.replace"),
    path("<uuid:public_id>/remove/", views.EvidenceFileRemoveView.as_view(),
         name="file.remove"),
    path("answer/<int:answer_id>/upload/", views.EvidenceFileUploadView.as_view(),
         name="file.upload"),
    path("answer/<int:answer_id>/versions/", views.EvidenceFileVersionsView.as_view(),
         name="file.versions"),
]
