"""Load every province, district and subdistrict of Thailand into the database.

Names, DOPA codes and postcodes come from the ``geothai`` package, built from the GeoThai
data (https://github.com/GeoThai/data), licensed CC-BY-4.0. Point coordinates of provinces
and districts come from ``data/coordinates.csv`` in this app, extracted once from GeoNames
(https://www.geonames.org/, CC-BY-4.0) by ``scripts/build_geo_coordinates.py``. Nothing is
downloaded at run time.

``load_geography`` is idempotent: a second run creates nothing and updates only rows whose
data changed. It takes the model classes as arguments so a data migration can pass its
historical models.
"""

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import geothai

from gecc.common.db import analyze

COORDINATES_FILE = Path(__file__).resolve().parent.parent / "data" / "coordinates.csv"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def read_coordinates(path=COORDINATES_FILE):
    """``{code: (latitude, longitude, approximate)}`` for provinces and districts."""
    points = {}
    if not Path(path).exists():
        return points
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            points[row["code"]] = (
                Decimal(row["latitude"]),
                Decimal(row["longitude"]),
                row["approximate"] == "1",
            )
    return points


def _sync(model, wanted, fields, result):
    existing = model.objects.in_bulk()
    to_create, to_update = [], []
    for code, values in wanted.items():
        obj = existing.get(code)
        if obj is None:
            to_create.append(model(pk=code, **values))
            continue
        changed = False
        for field, value in values.items():
            if getattr(obj, field) != value:
                setattr(obj, field, value)
                changed = True
        if changed:
            to_update.append(obj)
        else:
            result.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=2000)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=2000)
    result.created += len(to_create)
    result.updated += len(to_update)
    if to_create or to_update:
        analyze(model)


def load_geography(province_model=None, district_model=None, subdistrict_model=None):
    """Create or refresh all 77 provinces, 928 districts and 7,436 subdistricts."""
    if province_model is None:
        from gecc.geography.models import District, Province, Subdistrict

        province_model, district_model, subdistrict_model = Province, District, Subdistrict
    points = read_coordinates()
    result = LoadResult()

    def with_point(code, values):
        lat, lon, approximate = points.get(code, (None, None, False))
        values.update(latitude=lat, longitude=lon, coordinates_approximate=approximate)
        return values

    provinces = geothai.provinces()
    districts = [d for p in provinces for d in geothai.districts(p.code)]
    subdistricts = [s for d in districts for s in geothai.subdistricts(d.code)]

    _sync(province_model,
          {p.code: with_point(p.code, {"name_th": p.name_th, "name_en": p.name_en})
           for p in provinces},
          ["name_th", "name_en", "latitude", "longitude", "coordinates_approximate"], result)
    _sync(district_model,
          {d.code: with_point(d.code, {"name_th": d.name_th, "name_en": d.name_en,
                                       "province_id": d.province_code})
           for d in districts},
          ["name_th", "name_en", "province_id", "latitude", "longitude",
           "coordinates_approximate"], result)
    _sync(subdistrict_model,
          {s.code: {"name_th": s.name_th, "name_en": s.name_en,
                    "district_id": s.district_code, "province_id": s.province_code,
                    "postcodes": ",".join(s.postal_codes)}
           for s in subdistricts},
          ["name_th", "name_en", "district_id", "province_id", "postcodes"], result)
    return result
