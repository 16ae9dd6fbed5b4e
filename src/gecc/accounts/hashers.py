"""The password hash: Argon2id with parameters chosen on purpose, read from the settings.

``ARGON2_TIME_COST``, ``ARGON2_MEMORY_KIB`` and ``ARGON2_PARALLELISM`` (environment
variables of the same names) default to 2 passes over 19 MiB with one lane: the first of
the OWASP Password Storage Cheat Sheet's Argon2id configurations, about 21 ms of one core
per sign-in on the reference machine (``docs/deploy.md``, "Password hashing", has the
figures for other settings). Changing them takes effect at each user's next sign-in: Django
asks the hasher whether a stored hash ``must_update`` and stores a new one; hashes made
with PBKDF2 before Argon2 was chosen are replaced the same way (the older hashers stay in
``PASSWORD_HASHERS`` only to read them).
"""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class ConfiguredArgon2PasswordHasher(Argon2PasswordHasher):
    """Django's Argon2id hasher ("argon2$argon2id$…") with the project's parameters."""

    @property
    def time_cost(self):
        return settings.ARGON2_TIME_COST

    @property
    def memory_cost(self):
        return settings.ARGON2_MEMORY_KIB

    @property
    def parallelism(self):
        return settings.ARGON2_PARALLELISM
