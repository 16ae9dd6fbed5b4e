from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gecc.accounts.enums import STAFF_ROLES, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})

    def with_role(self, role):
        return self.filter(role_grants__role=role, is_active=True)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address; roles come from RoleGrant rows."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin site access"), default=False,
        help_text=_("Lets the user into the technical admin site."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    preferred_language = models.CharField(_("language"), max_length=8, default="th")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def get_absolute_url(self):
        return reverse("backoffice:user.detail", kwargs={"pk": self.pk})

    # Roles ----------------------------------------------------------------
    @property
    def roles(self) -> frozenset:
        """The user's roles, read once per request object and cached on the instance."""
        if not self.pk or not self.is_active:
            return frozenset()
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = frozenset(Role(r) for r in self.role_grants.values_list("role", flat=True))
            self._roles_cache = cached
        return cached

    def has_role(self, role) -> bool:
        return Role(role) in self.roles

    @property
    def is_staff_member(self) -> bool:
        return bool(self.roles & STAFF_ROLES)
