# The rounds' tests share the applications' fixtures (a unit, its coordinator, a round).
from tests.applications.conftest import (  # noqa: F401
    application,
    coordinator,
    round_obj,
    secretariat,
    unit,
)
