from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gecc.criteria.domain.editions import load_edition
from gecc.criteria.domain.parse import CriteriaError
from gecc.criteria.interfaces.excel import read_workbook
from gecc.criteria.interfaces.locations import describe_issues
from gecc.criteria.interfaces.yaml_io import read_yaml_file


class Command(BaseCommand):
    help = ("Validate and load a criteria edition from a YAML or XLSX file. Loading the same "
            "revision again changes nothing; a higher revision adds a new version.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="criteria file (.yaml, .yml or .xlsx)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        document, rows = None, {}
        try:
            if path.suffix.lower() == ".xlsx":
                with path.open("rb") as handle:
                    document = read_workbook(handle, rows=rows)
            else:
                document = read_yaml_file(path)
            outcome = load_edition(document, source_name=path.name)
        except CriteriaError as exc:
            # The machine path first (what scripts grep for), then the place in words.
            for issue, located in zip(exc.issues, describe_issues(exc.issues, document, rows),
                                      strict=True):
                self.stderr.write(f"{issue.path}: {issue.message} [{located.where}]")
            raise CommandError(f"{path.name}: {len(exc.issues)} problem(s); nothing was loaded"
                               ) from exc
        version = outcome.version
        if outcome.created:
            self.stdout.write(self.style.SUCCESS(
                f"Loaded {version} ({version.status}, {version.nodes.count()} nodes)"))
        else:
            self.stdout.write(f"{version} is already loaded with the same content; nothing changed")
