import time

from django.core.management.base import BaseCommand

from gecc.registry.generator import generate_national_data


class Command(BaseCommand):
    help = ("Generate a national-scale registry (codes starting with GEN-): an organisation "
            "tree and N service units over all provinces. A rerun replaces the GEN- rows.")

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=2563)

    def handle(self, *args, units, seed, **options):
        started = time.perf_counter()
        result = generate_national_data(units=units, seed=seed)
        if result.skipped:
            self.stdout.write(self.style.WARNING(
                "Generated units are referenced by other records; left them as they are."))
            return
        self.stdout.write(self.style.SUCCESS(
            f"{result.organizations} organisations and {result.units} units generated "
            f"({result.replaced} old rows replaced) in {time.perf_counter() - started:.1f} s."))
