#!/usr/bin/env python
"""Benchmark: what a sign-in costs a core, for sizing a machine for the morning rush.

Measures, on one core and in one process (CPU time, ``time.process_time``):

- the floor: argon2-cffi's own ``verify`` of a hash made with the configured parameters
  (``ARGON2_TIME_COST``, ``ARGON2_MEMORY_KIB``, ``ARGON2_PARALLELISM``);
- Django's ``check_password`` through the project's hasher (``gecc.accounts.hashers``);
- a whole sign-in: the sign-in page's POST through the test client and every middleware
  (throttle counters, session, audit entry), in a throwaway database;

and the verify cost of a few other Argon2id settings and of Django's default PBKDF2, so the
choice can be read against them. Targets: the project's hasher costs at most 1.2× the
floor, and a whole sign-in at most 40 ms of CPU more than the hash (the rest of the sign-in
must not dwarf the hash it was sized by).

    python bench/bench_signin.py [--rounds 30]
"""

import argparse
import statistics
import sys
import tempfile
import time

from benchdb import throwaway_database

PASSWORD = "bench-sign-in-2563"
HASHER_SHARE = 1.2
SIGN_IN_OVERHEAD_MS = 40
OTHER_SETTINGS = [(1, 47104, 1), (3, 12288, 1), (2, 65536, 1), (3, 65536, 4)]


def cpu_ms(fn, rounds):
    fn()
    samples = []
    for _ in range(rounds):
        began = time.process_time()
        fn()
        samples.append((time.process_time() - began) * 1000)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        drop = throwaway_database(tmp)
        try:
            return run(args.rounds)
        finally:
            if drop:
                drop()


def run(rounds):
    import django

    django.setup()
    from argon2 import PasswordHasher, Type
    from django.conf import settings
    from django.contrib.auth.hashers import check_password, make_password
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from gecc.accounts.enums import Role
    from gecc.accounts.models import RoleGrant, User

    params = (settings.ARGON2_TIME_COST, settings.ARGON2_MEMORY_KIB,
              settings.ARGON2_PARALLELISM)
    raw = PasswordHasher(time_cost=params[0], memory_cost=params[1], parallelism=params[2],
                         type=Type.ID)
    raw_hash = raw.hash(PASSWORD)
    floor = cpu_ms(lambda: raw.verify(raw_hash, PASSWORD), rounds)
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$"), encoded
    hasher = cpu_ms(lambda: check_password(PASSWORD, encoded), rounds)

    user = User.objects.create_user(email="bench@example.go.th", password=PASSWORD,
                                    full_name="ผู้ทดสอบ")
    RoleGrant.objects.create(user=user, role=Role.COORDINATOR)
    settings.ALLOWED_HOSTS = ["testserver"]

    def sign_in():
        client = Client()
        response = client.post("/accounts/login/", {"email": user.email,
                                                    "password": PASSWORD})
        assert response.status_code == 302, response.status_code

    whole = cpu_ms(sign_in, rounds)

    print(f"Argon2id t={params[0]} m={params[1]} KiB p={params[2]}, median of {rounds} "
          "(CPU ms on one core)")
    print(f"  floor (argon2-cffi verify)   {floor:7.1f} ms")
    print(f"  project hasher               {hasher:7.1f} ms   {hasher / floor:.2f}× floor")
    print(f"  whole sign-in (POST)         {whole:7.1f} ms   "
          f"{whole - hasher:+.1f} ms over the hash")
    print(f"  sign-ins per second per core {1000 / whole:7.1f}")
    print("Other settings (verify only):")
    for t, m, p in OTHER_SETTINGS:
        other = PasswordHasher(time_cost=t, memory_cost=m, parallelism=p, type=Type.ID)
        other_hash = other.hash(PASSWORD)
        cost = cpu_ms(lambda other=other, other_hash=other_hash: other.verify(
            other_hash, PASSWORD), max(5, rounds // 3))
        print(f"  Argon2id t={t} m={m:>6} KiB p={p}  {cost:7.1f} ms")
    pbkdf2 = make_password(PASSWORD, hasher="pbkdf2_sha256")
    print(f"  PBKDF2-SHA256 (Django default)   "
          f"{cpu_ms(lambda: check_password(PASSWORD, pbkdf2), max(5, rounds // 3)):7.1f} ms")
    checks = {f"hasher <= {HASHER_SHARE}x floor": hasher <= HASHER_SHARE * floor,
              f"sign-in <= hash + {SIGN_IN_OVERHEAD_MS} ms": whole - hasher <= SIGN_IN_OVERHEAD_MS}
    for name, passed in checks.items():
        print(f"target {name}: {'PASS' if passed else 'FAIL'}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
