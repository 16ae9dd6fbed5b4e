"""Serve assets that come from installed packages, never from a CDN or the repository.

- ``fonts/sarabun/*.ttf`` from the ``fontpkg-sarabun`` Python package;
- ``vendor/htmx/htmx.min.js`` from the ``htmx.org`` npm package (package.json);
- ``vendor/workbox-*/`` (the service worker's Workbox modules), ``vendor/dexie/`` (IndexedDB)
  and ``vendor/chartjs/`` (charts) from their npm packages.
"""

from pathlib import Path

import fontpkg_sarabun
from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

# The Workbox packages the field app's service worker loads (package.json).
WORKBOX_PACKAGES = ("workbox-sw", "workbox-core", "workbox-routing", "workbox-strategies",
                    "workbox-precaching", "workbox-expiration")


def package_asset_roots():
    """Map a static URL prefix to the folder of an installed package that provides it."""
    return {
        "fonts/sarabun": Path(fontpkg_sarabun.ROOT) / "files",
        "vendor/htmx": Path(settings.NODE_MODULES_DIR) / "htmx.org" / "dist",
        **{f"vendor/{name}": Path(settings.NODE_MODULES_DIR) / name / "build"
           for name in WORKBOX_PACKAGES},
        "vendor/dexie": Path(settings.NODE_MODULES_DIR) / "dexie" / "dist",
        "vendor/chartjs": Path(settings.NODE_MODULES_DIR) / "chart.js" / "dist",
    }


class PackageAssetFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storages = {
            prefix: FileSystemStorage(location=str(root))
            for prefix, root in package_asset_roots().items()
            if root.is_dir()
        }
        for prefix, storage in self.storages.items():
            storage.prefix = prefix

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        matches = []
        for prefix, storage in self.storages.items():
            if path.startswith(prefix + "/"):
                candidate = Path(storage.location) / path[len(prefix) + 1:]
                if candidate.is_file():
                    if not find_all:
                        return str(candidate)
                    matches.append(str(candidate))
        return matches

    def list(self, ignore_patterns):
        for storage in self.storages.values():
            for name in sorted(Path(storage.location).rglob("*")):
                if name.is_file() and name.suffix in {".ttf", ".js", ".map"}:
                    yield str(name.relative_to(storage.location)), storage
