from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.OutboxMessageListView.as_view(), name="message.list"),
    path("<int:pk>/", views.OutboxMessageDetailView.as_view(), name="message.detail"),
    path("<int:pk>/resend/", views.OutboxMessageResendView.as_view(), name="message.resend"),
]
