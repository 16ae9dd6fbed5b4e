from .login import UserLoginView, UserLogoutView
from .otp import DeviceEnrolView, DeviceRemoveView, DeviceVerifyView
from .password import (
    PasswordChangeView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetRequestView,
)
from .security import SecurityOverviewView

__all__ = [
    "DeviceEnrolView",
    "DeviceRemoveView",
    "DeviceVerifyView",
    "PasswordChangeView",
    "PasswordResetCompleteView",
    "PasswordResetConfirmView",
    "PasswordResetDoneView",
    "PasswordResetRequestView",
    "SecurityOverviewView",
    "UserLoginView",
    "UserLogoutView",
]
