from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gecc.criteria.domain.editions import load_edition
from gecc.criteria.domain.nesting import LevelsNotNested
from gecc.criteria.domain.parse import CriteriaError
from gecc.criteria.interfaces.files import issue_lines, read_criteria_file


class Command(BaseCommand):
    help = ("Validate and load a criteria edition from a YAML or XLSX file. Loading the same "
            "revision again changes nothing; a higher revision adds a new version.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="criteria file (.yaml, .yml or .xlsx)")
        parser.add_argument(
            "--accept-unnested-levels", action="store_true",
            help="load the edition even though a higher level's rule does not imply the "
                 "lower level's (read the warnings first: the scheme's levels are cumulative)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        document, rows = None, {}
        try:
            document = read_criteria_file(path, rows=rows)
            outcome = load_edition(document, source_name=path.name,
                                   accept_unnested=options["accept_unnested_levels"])
        except LevelsNotNested as exc:
            for line in issue_lines(exc, document, rows):
                self.stderr.write(f"warning: {line}")
            raise CommandError(
                f"{path.name}: the levels are not nested ({len(exc.issues)} warning(s)); "
                "nothing was loaded. If this is deliberate, run again with "
                "--accept-unnested-levels") from exc
        except CriteriaError as exc:
            for line in issue_lines(exc, document, rows):
                self.stderr.write(line)
            raise CommandError(f"{path.name}: {len(exc.issues)} problem(s); nothing was loaded"
                               ) from exc
        version = outcome.version
        if outcome.created:
            self.stdout.write(self.style.SUCCESS(
                f"Loaded {version} ({version.status}, {version.nodes.count()} nodes)"))
        else:
            self.stdout.write(f"{version} is already loaded with the same content; nothing changed")
