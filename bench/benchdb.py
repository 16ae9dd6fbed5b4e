"""Shared set-up for the benchmarks: a throwaway database.

A fresh SQLite file in a temporary folder by default; with DATABASE_URL set to PostgreSQL,
a new database named after it with a ``_bench`` suffix is created on that server and
dropped afterwards.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gecc.settings")


def throwaway_database(tmp):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        return None
    import psycopg

    parsed = urlparse(url)
    name = f"{parsed.path.lstrip('/') or 'gecc'}_bench"
    maintenance = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path="/" + name))

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return drop
