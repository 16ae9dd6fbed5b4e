"""Update the Thai catalogue of one app (or of the project) from its sources.

``manage.py app_messages registry`` runs makemessages inside ``src/gecc/registry`` so the
app keeps its own ``locale/th/LC_MESSAGES/django.po``; ``manage.py app_messages project``
updates ``src/gecc/locale`` from the shared templates and the apps without a catalogue.
Run from the repository root: inside an app folder, the app's ``rules.py`` would shadow the
``rules`` library on the import path.
"""

import os
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

import gecc

PACKAGE = Path(gecc.__file__).resolve().parent


# The project catalogue (src/gecc/locale) covers the shared templates and the interface
# apps; every data app keeps its own catalogue.
PROJECT_PARTS = {"templates", "static", "locale", "common", "backoffice", "public",
                 "api", "demo"}


def data_app_folders():
    return sorted(p.name for p in PACKAGE.iterdir()
                  if p.is_dir() and (p / "apps.py").exists() and p.name not in PROJECT_PARTS)


class Command(BaseCommand):
    help = "Update the Thai catalogue of an app (or 'project') with makemessages."

    def add_arguments(self, parser):
        parser.add_argument("app", help="an app folder under src/gecc, or 'project'")

    def handle(self, app, **options):
        cwd = os.getcwd()
        try:
            if app == "project":
                os.chdir(PACKAGE)
                ignore = [f"{name}/*" for name in data_app_folders()]
                call_command("makemessages", locale=["th"], ignore_patterns=ignore, verbosity=0)
            else:
                folder = PACKAGE / app
                if not (folder / "apps.py").exists():
                    raise CommandError(f"No app folder {folder}")
                (folder / "locale").mkdir(exist_ok=True)
                os.chdir(folder)
                call_command("makemessages", locale=["th"], verbosity=0)
        finally:
            os.chdir(cwd)
        self.stdout.write(f"Updated the Thai catalogue of {app}; fill the empty msgstr, "
                          "then run `make messages`.")
