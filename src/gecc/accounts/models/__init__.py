from .login_failure import LoginFailure
from .role_grant import RoleGrant
from .user import User

__all__ = ["LoginFailure", "RoleGrant", "User"]
