import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _thai_active():
    """Start each test in Thai, the default, whatever language an earlier test left active."""
    with translation.override("th"):
        yield
