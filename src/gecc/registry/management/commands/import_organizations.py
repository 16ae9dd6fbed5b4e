from gecc.registry.enums import ImportKind
from gecc.registry.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = "Import organisations from an XLSX or CSV file; one bad row imports nothing."
    kind = ImportKind.ORGANIZATIONS
