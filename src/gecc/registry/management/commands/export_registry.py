from django.core.management.base import BaseCommand

from gecc.registry.enums import ImportKind
from gecc.registry.interfaces.exporters import build_template, export_file
from gecc.registry.models import Organization, ServiceUnit


class Command(BaseCommand):
    help = "Export organisations or service units (the import's columns), or an empty template."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file", help="output path ending in .xlsx or .csv")
        parser.add_argument("--template", action="store_true", help="write an empty template")

    def handle(self, *args, kind, file, template, **options):
        fmt = "csv" if file.lower().endswith(".csv") else "xlsx"
        if template:
            data = build_template(kind, fmt)
        else:
            model = Organization if kind == ImportKind.ORGANIZATIONS else ServiceUnit
            data = export_file(kind, model.objects.all(), fmt)
        with open(file, "wb") as handle:
            handle.write(data)
        self.stdout.write(self.style.SUCCESS(f"Wrote {file}"))
