from django.core.management.base import BaseCommand

from gecc.geography.domain.loader import load_geography


class Command(BaseCommand):
    help = ("Load or refresh Thailand's provinces, districts and subdistricts "
            "(GeoThai data, CC-BY-4.0; coordinates from GeoNames, CC-BY-4.0). Idempotent.")

    def handle(self, *args, **options):
        result = load_geography()
        self.stdout.write(self.style.SUCCESS(
            f"Geography: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        ))
