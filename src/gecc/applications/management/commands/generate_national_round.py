import time

from django.core.management.base import BaseCommand

from gecc.applications.generate import generate_round
from gecc.registry.models import ServiceUnit


class Command(BaseCommand):
    help = ("Generate a national-scale round (by default 2568, or the next free year) with one "
            "application and a full self-assessment for each of N active service units.")

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=7500)
        parser.add_argument("--seed", type=int, default=2568)
        parser.add_argument("--year", type=int, default=None, help="Buddhist-era year")

    def handle(self, *args, applications, seed, year, **options):
        started = time.perf_counter()
        units = ServiceUnit.objects.filter(is_active=True)
        if units.count() < applications:
            self.stdout.write(self.style.WARNING(
                f"Only {units.count()} active units: one application each."))
        result = generate_round(units, applications=applications, seed=seed, year=year)
        self.stdout.write(self.style.SUCCESS(
            f"Round {result.round.year}: {result.applications} applications and "
            f"{result.answers} answers generated in {time.perf_counter() - started:.1f} s."))
