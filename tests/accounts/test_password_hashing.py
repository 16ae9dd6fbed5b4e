"""Passwords are stored with Argon2id at the configured parameters; older hashes (PBKDF2, or
Argon2 with other parameters) are replaced at the user's next sign-in."""

import pytest
from argon2 import extract_parameters
from django.contrib.auth.hashers import make_password

from gecc.accounts.models import User

from .conftest import post_login

pytestmark = pytest.mark.django_db

PROJECT_HASHERS = ["gecc.accounts.hashers.ConfiguredArgon2PasswordHasher",
                   "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


@pytest.fixture
def real_hashers(settings):
    """The project's hashers (the suite's default fixture swaps in a fast one)."""
    settings.PASSWORD_HASHERS = PROJECT_HASHERS
    settings.ARGON2_TIME_COST = 2
    settings.ARGON2_MEMORY_KIB = 19456
    settings.ARGON2_PARALLELISM = 1
    return settings


def argon2_parameters(encoded):
    algorithm, rest = encoded.split("$", 1)
    assert algorithm == "argon2"
    return extract_parameters("$" + rest)


def test_shipped_settings_hash_with_argon2_and_read_pbkdf2():
    import gecc.settings as shipped

    assert shipped.PASSWORD_HASHERS == PROJECT_HASHERS
    assert (shipped.ARGON2_TIME_COST, shipped.ARGON2_MEMORY_KIB,
            shipped.ARGON2_PARALLELISM) == (2, 19456, 1)


def test_new_password_is_argon2id_with_the_configured_parameters(real_hashers, make_user):
    user = make_user("coordinator")
    user.set_password("a-new-password-2563")
    user.save()
    assert user.password.startswith("argon2$argon2id$")
    params = argon2_parameters(user.password)
    assert (params.time_cost, params.memory_cost, params.parallelism) == (2, 19456, 1)
    assert user.check_password("a-new-password-2563")
    assert not user.check_password("a-wrong-password")


def test_pbkdf2_hash_is_upgraded_to_argon2id_at_sign_in(real_hashers, client, make_user):
    user = make_user("coordinator")
    user.password = make_password("old-pbkdf2-pass", hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    assert user.password.startswith("pbkdf2_sha256$")

    response = post_login(client, user.email, "old-pbkdf2-pass")

    assert response.status_code == 302
    stored = User.objects.get(pk=user.pk).password
    assert stored.startswith("argon2$argon2id$")
    assert argon2_parameters(stored).memory_cost == 19456


def test_failed_sign_in_leaves_the_old_hash(real_hashers, client, make_user):
    user = make_user("coordinator")
    old = make_password("old-pbkdf2-pass", hasher="pbkdf2_sha256")
    User.objects.filter(pk=user.pk).update(password=old)

    post_login(client, user.email, "not-the-password")

    assert User.objects.get(pk=user.pk).password == old


def test_changed_parameters_rehash_at_the_next_sign_in(real_hashers, client, make_user):
    user = make_user("coordinator")
    user.set_password("a-new-password-2563")
    user.save()
    before = user.password
    real_hashers.ARGON2_MEMORY_KIB = 12288
    real_hashers.ARGON2_TIME_COST = 3

    response = post_login(client, user.email, "a-new-password-2563")

    assert response.status_code == 302
    after = User.objects.get(pk=user.pk).password
    assert after != before
    params = argon2_parameters(after)
    assert (params.time_cost, params.memory_cost) == (3, 12288)
