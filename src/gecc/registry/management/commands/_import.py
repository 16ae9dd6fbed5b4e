from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from gecc.registry.interfaces.importers import import_file, write_error_report


class ImportCommand(BaseCommand):
    kind = None

    def add_arguments(self, parser):
        parser.add_argument("file", help="XLSX or CSV file (docs/import-format.md)")
        parser.add_argument("--error-report", metavar="PATH",
                            help="write the row errors to this .xlsx or .csv file")

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                preview, result = import_file(options["file"], self.kind)
            except FileNotFoundError:
                raise CommandError(f"No such file: {options['file']}") from None
            if result is None:
                for error in preview.errors:
                    self.stderr.write(str(error))
                path = options.get("error_report")
                if path:
                    fmt = "csv" if path.lower().endswith(".csv") else "xlsx"
                    with open(path, "wb") as handle:
                        handle.write(write_error_report(preview.errors, fmt))
                raise CommandError(
                    f"{len(preview.errors)} error(s); nothing was imported.")
        self.stdout.write(self.style.SUCCESS(
            f"{result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."))
