from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.UserLoginView.as_view(), name="login"),
    path("logout/", views.UserLogoutView.as_view(), name="logout"),
    path("security/", views.SecurityOverviewView.as_view(), name="security"),
    path("otp/enrol/", views.DeviceEnrolView.as_view(), name="otp.enrol"),
    path("otp/verify/", views.DeviceVerifyView.as_view(), name="otp.verify"),
    path("otp/remove/", views.DeviceRemoveView.as_view(), name="otp.remove"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetRequestView.as_view(), name="password_reset"),
    path("password/reset/done/", views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("password/reset/complete/", views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
]
