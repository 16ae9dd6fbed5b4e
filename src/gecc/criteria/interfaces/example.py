"""The example edition shipped with the app (status ``example``, not the official text)."""

from pathlib import Path

from gecc.criteria.domain.editions import LoadOutcome, load_edition
from gecc.criteria.domain.parse import parse_edition

from .yaml_io import read_yaml_file

EXAMPLE_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "example-2563.yaml"


def example_edition():
    """The example edition as the engine's dataclass (no database)."""
    return parse_edition(read_yaml_file(EXAMPLE_FILE))


def load_example_edition(actor=None) -> LoadOutcome:
    """Load the example edition into the database; running it again changes nothing."""
    return load_edition(example_edition(), actor=actor, source_name=EXAMPLE_FILE.name)
