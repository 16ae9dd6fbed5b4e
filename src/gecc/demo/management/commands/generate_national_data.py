from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("Generate national-scale data for benchmarks and load tests: the registry "
            "(20,000 units by default, codes GEN-…) and a round with 7,500 applications "
            "and full self-assessments. Each part has its own command: "
            "generate_national_registry, generate_national_round.")

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=20000)
        parser.add_argument("--applications", type=int, default=7500,
                            help="applications in the generated round (0: no round)")
        parser.add_argument("--seed", type=int, default=2563)

    def handle(self, *args, units, applications, seed, **options):
        call_command("generate_national_registry", units=units, seed=seed, stdout=self.stdout)
        if applications:
            call_command("generate_national_round", applications=applications, seed=seed,
                         stdout=self.stdout)
