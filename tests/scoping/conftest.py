import pytest

from tests.scoping.world import build_world, freeze_clock


@pytest.fixture
def world(db, monkeypatch, settings, tmp_path):
    """The world of ``tests/scoping/world.py``, clock frozen inside its application period."""
    settings.MEDIA_ROOT = tmp_path / "media"
    freeze_clock(monkeypatch)
    return build_world()
