from django.urls import path

from gecc.portal import views
from gecc.portal.urls_appeals import urlpatterns as appeals
from gecc.portal.urls_certificates import urlpatterns as certificates
from gecc.portal.views import feedback as feedback_views

app_name = "portal"

urlpatterns = [
    path("", views.PortalHomeView.as_view(), name="home"),
    path("units/<int:unit_id>/rounds/<int:round_id>/apply/",
         views.ApplicationCreateView.as_view(), name="application.create"),
    path("applications/<int:pk>/", views.ApplicationDetailView.as_view(),
         name="application.detail"),
    path("applications/<int:pk>/assessment/", views.ApplicationAssessmentView.as_view(),
         name="application.assessment"),
    path("applications/<int:pk>/assessment/confirm-all/",
         views.ApplicationConfirmAllView.as_view(), name="application.confirm_all"),
    path("applications/<int:pk>/submit/", views.ApplicationSubmitView.as_view(),
         name="application.submit"),
    path("applications/<int:pk>/receipts/<int:sequence>/",
         views.ApplicationReceiptView.as_view(), name="application.receipt"),
    path("applications/<int:pk>/withdraw/", views.ApplicationWithdrawView.as_view(),
         name="application.withdraw"),
    path("applications/<int:pk>/feedback/", feedback_views.ApplicationFeedbackView.as_view(),
         name="application.feedback"),
    path("applications/<int:pk>/feedback/pdf/",
         feedback_views.ApplicationFeedbackPdfView.as_view(), name="application.feedback_pdf"),
    path("answers/<int:pk>/", views.AnswerDetailView.as_view(), name="answer.detail"),
    path("answers/<int:pk>/save/", views.AnswerSaveView.as_view(), name="answer.save"),
    path("answers/<int:pk>/confirm/", views.AnswerConfirmView.as_view(),
         name="answer.confirm"),
    *appeals,
    *certificates,
]
