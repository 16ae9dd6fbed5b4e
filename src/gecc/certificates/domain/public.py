"""The public read side of certificates: what the registry and the verification page show.

Nothing here reads a score, a person, an assessor, a decision's reason or a lifecycle
reason: every query names its columns (``values()``), so a private field cannot slip into
a public page by a template change. What is public:

- of a certificate: its number, year, level (code, names, colour, rank), valid from / until
  and its status on the day (``status.verify_status``: valid, expired, suspended,
  withdrawn);
- of its unit: code, names, address, subdistrict / district / province, postcode,
  coordinates (or the district's approximate point), the organisation's names and
  abbreviation. Never the unit's phone, e-mail or coordinators.

A *certified centre* is a service unit with a certificate that is not withdrawn; the
registry shows each centre once, with its latest such certificate (the greatest
``valid_until``), and by default only the centres whose latest
certificate is valid today.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import get_language

from gecc.certificates.domain.status import today as status_today
from gecc.certificates.domain.status import verify_status
from gecc.certificates.enums import CertificateState, VerifyStatus
from gecc.certificates.models import Certificate
from gecc.registry.domain.search import normalize_search_text, similar_units

# -- certificate numbers ---------------------------------------------------------------------

# GECC-<B.E. year>-<6-digit sequence>; typed forms are forgiving (see normalize_number).
NUMBER_RE = re.compile(r"^GECC-(\d{4})-(\d{6})$")
_TYPED_RE = re.compile(r"^GECC-?(\d{4})-?(\d{1,6})$")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\uff0d]")
_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
MAX_TYPED_LENGTH = 60


def normalize_number(text) -> str | None:
    """The canonical form of a typed certificate number, or None when it cannot be one.

    Spaces (inside too) and zero-width characters go, letters are upper-cased, Thai digits
    become Arabic, any dash becomes a hyphen, the hyphens may be left out and the sequence
    may be typed without its leading zeros: " gecc 2563-123 " → "GECC-2563-000123".
    """
    if not text or len(text) > MAX_TYPED_LENGTH:
        return None
    text = _SPACES.sub("", str(text)).translate(_THAI_DIGITS)
    text = _DASHES.sub("-", text).upper()
    match = _TYPED_RE.match(text)
    if not match:
        return None
    year, sequence = match.groups()
    if int(sequence) == 0:
        return None
    return f"GECC-{year}-{int(sequence):06d}"


# -- what a page shows -----------------------------------------------------------------------

# The only certificate and unit columns a public page reads.
CERTIFICATE_FIELDS = ("pk", "number", "year", "level", "level_rank", "level_name_th",
                      "level_name_en", "colour", "valid_from", "valid_until", "state",
                      "unit_id")
UNIT_FIELDS = {
    "unit__code": "code", "unit__name_th": "name_th", "unit__name_en": "name_en",
    "unit__address": "address", "unit__postcode": "postcode",
    "unit__latitude": "latitude", "unit__longitude": "longitude",
    "unit__province_id": "province_code", "unit__province__name_th": "province_th",
    "unit__province__name_en": "province_en", "unit__district_id": "district_code",
    "unit__district__name_th": "district_th", "unit__district__name_en": "district_en",
    "unit__district__latitude": "district_latitude",
    "unit__district__longitude": "district_longitude",
    "unit__subdistrict__name_th": "subdistrict_th",
    "unit__subdistrict__name_en": "subdistrict_en",
    "unit__organization__name_th": "organization_th",
    "unit__organization__name_en": "organization_en",
    "unit__organization__abbreviation": "organization_abbreviation",
}
ROW_FIELDS = (*CERTIFICATE_FIELDS, *UNIT_FIELDS)

# The registry's status filter: which latest certificates a search lists.
STATUS_VALID, STATUS_SUSPENDED, STATUS_EXPIRED, STATUS_ALL = "valid", "suspended", "expired", \
    "all"
STATUS_FILTERS = (STATUS_VALID, STATUS_SUSPENDED, STATUS_EXPIRED, STATUS_ALL)


def _english() -> bool:
    return (get_language() or "th").startswith("en")


@dataclass(frozen=True)
class PublicCertificate:
    number: str
    year: int
    level: str
    level_rank: int
    level_name: str
    colour: str
    valid_from: datetime.date
    valid_until: datetime.date
    status: VerifyStatus

    @property
    def is_valid(self) -> bool:
        return self.status == VerifyStatus.VALID

    def fingerprint(self) -> tuple:
        return (self.number, self.level, self.level_name, self.colour, self.valid_from,
                self.valid_until, self.status)


@dataclass(frozen=True)
class PublicCentre:
    """A certified centre as the public sees it; ``certificate`` is its latest one."""

    unit_id: int
    code: str
    name_th: str
    name_en: str
    organization: str
    organization_abbreviation: str
    address: str
    subdistrict: str
    district: str
    province: str
    province_code: str
    district_code: str
    postcode: str
    latitude: float | None
    longitude: float | None
    approximate_location: bool
    certificate: PublicCertificate
    history: tuple = field(default=())

    @property
    def name(self) -> str:
        return self.name_en if _english() and self.name_en else self.name_th

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def map_url(self) -> str:
        """The point on openstreetmap.org (a link; no tiles or scripts on our pages)."""
        if not self.has_location:
            return ""
        return (f"https://www.openstreetmap.org/?mlat={self.latitude:.6f}"
                f"&mlon={self.longitude:.6f}#map=16/{self.latitude:.6f}/{self.longitude:.6f}")

    def fingerprint(self) -> tuple:
        return (self.unit_id, self.code, self.name_th, self.name_en, self.organization,
                self.organization_abbreviation, self.address, self.subdistrict, self.district,
                self.province, self.postcode, self.latitude, self.longitude,
                self.approximate_location, self.certificate.fingerprint(),
                tuple(c.fingerprint() for c in self.history))


def _status(row, on) -> VerifyStatus:
    # verify_status reads only these two fields; a model instance costs more than the query.
    return verify_status(SimpleNamespace(state=row["state"], valid_until=row["valid_until"]),
                         on)


def _certificate(row, on) -> PublicCertificate:
    english = _english()
    return PublicCertificate(
        number=row["number"], year=row["year"], level=row["level"],
        level_rank=row["level_rank"],
        level_name=(row["level_name_en"] if english and row["level_name_en"]
                    else row["level_name_th"]),
        colour=row["colour"], valid_from=row["valid_from"], valid_until=row["valid_until"],
        status=_status(row, on))


def _float(value):
    return None if value is None else float(value)


def _centre(row, on, history=()) -> PublicCentre:
    english = _english()

    def pick(th, en):
        return row[en] if english and row[en] else row[th]

    latitude, longitude = _float(row["unit__latitude"]), _float(row["unit__longitude"])
    approximate = False
    if latitude is None or longitude is None:
        latitude = _float(row["unit__district__latitude"])
        longitude = _float(row["unit__district__longitude"])
        approximate = latitude is not None and longitude is not None
    return PublicCentre(
        unit_id=row["unit_id"], code=row["unit__code"], name_th=row["unit__name_th"],
        name_en=row["unit__name_en"],
        organization=pick("unit__organization__name_th", "unit__organization__name_en"),
        organization_abbreviation=row["unit__organization__abbreviation"],
        address=row["unit__address"],
        subdistrict=pick("unit__subdistrict__name_th", "unit__subdistrict__name_en"),
        district=pick("unit__district__name_th", "unit__district__name_en"),
        province=pick("unit__province__name_th", "unit__province__name_en"),
        province_code=row["unit__province_id"], district_code=row["unit__district_id"],
        postcode=row["unit__postcode"], latitude=latitude, longitude=longitude,
        approximate_location=approximate, certificate=_certificate(row, on),
        history=tuple(history))


# -- the registry ----------------------------------------------------------------------------

def listed_certificates():
    """Certificates that are not withdrawn."""
    return Certificate.objects.exclude(state=CertificateState.WITHDRAWN)


def latest_certificates():
    """Each certified centre's latest certificate that is not withdrawn: none of the unit's
    other such certificates is valid longer (one per unit: two certificates of one unit
    never end on the same day, since each comes from a decision of a different round)."""
    newer = listed_certificates().filter(unit=OuterRef("unit"),
                                         valid_until__gt=OuterRef("valid_until"))
    return listed_certificates().filter(~Exists(newer))


def _status_filter(queryset, status, on):
    if status == STATUS_VALID:
        return queryset.filter(state=CertificateState.ISSUED, valid_until__gte=on)
    if status == STATUS_SUSPENDED:
        return queryset.filter(state=CertificateState.SUSPENDED, valid_until__gte=on)
    if status == STATUS_EXPIRED:
        return queryset.filter(Q(state=CertificateState.EXPIRED) | Q(valid_until__lt=on))
    return queryset


@dataclass
class RegistryQuery:
    """What the registry's search form asks; every field optional."""

    text: str = ""
    province: str = ""
    district: str = ""
    organization: int | None = None
    level: str = ""
    year: int | None = None
    status: str = STATUS_VALID


def search_centres(query: RegistryQuery, *, on=None, similar=False):
    """The certificates (one per centre) matching ``query``: a queryset of certificate pks
    ordered by the unit's Thai name and code. Count and slice it (a page), then read the
    page's public fields with ``centres_for``; so the count and the sort never carry the
    thirty columns of a page. ``similar`` matches the text by trigram similarity instead of
    as a substring (``registry.domain.search.similar_units``), for when nothing contains it."""
    on = on or status_today()
    queryset = _status_filter(latest_certificates(), query.status, on)
    needle = normalize_search_text(query.text)
    if needle:
        if similar:
            from gecc.registry.models import ServiceUnit

            queryset = queryset.filter(unit__in=similar_units(
                ServiceUnit.objects.all(), query.text).values("pk"))
        else:
            queryset = queryset.filter(unit__search_text__contains=needle)
    if query.province:
        queryset = queryset.filter(unit__province_id=query.province)
    if query.district:
        queryset = queryset.filter(unit__district_id=query.district)
    if query.organization:
        queryset = queryset.filter(unit__organization_id=query.organization)
    if query.level:
        queryset = queryset.filter(level=query.level)
    if query.year:
        queryset = queryset.filter(year=query.year)
    return queryset.order_by("unit__name_th", "unit__code", "pk").values_list("pk", flat=True)


def centres_for(pks, *, on=None) -> list[PublicCentre]:
    """The centres of the certificates ``pks`` (a page of ``search_centres``), in that
    order (one query)."""
    pks = list(pks)
    if not pks:
        return []
    on = on or status_today()
    rows = {row["pk"]: row for row in
            Certificate.objects.filter(pk__in=pks).order_by().values(*ROW_FIELDS)}
    return [_centre(rows[pk], on) for pk in pks if pk in rows]


def filter_choices() -> dict:
    """The choices of the registry's filters, from the listed certificates (four queries):
    provinces and organisations that have a certified centre, levels (in rank order) and
    years (newest first)."""
    english = _english()
    listed = listed_certificates()
    provinces = list(
        listed.values_list("unit__province_id", "unit__province__name_th",
                           "unit__province__name_en")
        .distinct().order_by("unit__province__name_th"))
    organizations = list(
        listed.values_list("unit__organization_id", "unit__organization__name_th",
                           "unit__organization__name_en")
        .distinct().order_by("unit__organization__name_th"))
    levels = {}
    for code, _rank, name_th, name_en in listed.values_list(
            "level", "level_rank", "level_name_th", "level_name_en").distinct().order_by(
            "level_rank", "level"):
        levels.setdefault(code, name_en if english and name_en else name_th)
    years = list(listed.values_list("year", flat=True).distinct().order_by("-year"))
    return {
        "provinces": [(code, en if english and en else th) for code, th, en in provinces],
        "organizations": [(pk, en if english and en else th) for pk, th, en in organizations],
        "levels": list(levels.items()),
        "years": years,
    }


def district_choices(province_code) -> list[tuple[str, str]]:
    """The districts of a province that have a certified centre (one query)."""
    if not province_code:
        return []
    english = _english()
    rows = (listed_certificates().filter(unit__province_id=province_code)
            .values_list("unit__district_id", "unit__district__name_th",
                         "unit__district__name_en")
            .distinct().order_by("unit__district__name_th"))
    return [(code, en if english and en else th) for code, th, en in rows]


def centre(code, *, on=None) -> PublicCentre | None:
    """The certified centre of unit ``code`` with its latest certificate and the others
    before it (not withdrawn), or None when the unit has none (one query)."""
    on = on or status_today()
    rows = list(listed_certificates().filter(unit__code=code)
                .order_by("-valid_until", "-pk").values(*ROW_FIELDS))
    if not rows:
        return None
    return _centre(rows[0], on, history=[_certificate(row, on) for row in rows[1:]])


@dataclass(frozen=True)
class ProvinceCount:
    code: str
    name: str
    counts: dict  # level code → number of centres
    total: int


def province_counts(*, on=None) -> tuple[list, list[ProvinceCount], dict, int]:
    """Centres with a valid certificate per province and level (one query):
    ``(levels, provinces, totals per level, total)`` where ``levels`` is
    ``[(code, name, colour)]`` in rank order."""
    on = on or status_today()
    english = _english()
    rows = (_status_filter(latest_certificates(), STATUS_VALID, on)
            .values("unit__province_id", "unit__province__name_th", "unit__province__name_en",
                    "level", "level_rank", "level_name_th", "level_name_en", "colour")
            .annotate(centres=Count("pk")).order_by("unit__province__name_th", "level_rank"))
    levels, provinces, totals = {}, {}, {}
    for row in rows:
        code = row["level"]
        if code not in levels:
            levels[code] = (row["level_rank"], code,
                            row["level_name_en"] if english and row["level_name_en"]
                            else row["level_name_th"], row["colour"])
        province = provinces.setdefault(row["unit__province_id"], {
            "name": (row["unit__province__name_en"] if english
                     and row["unit__province__name_en"] else row["unit__province__name_th"]),
            "counts": {}})
        province["counts"][code] = province["counts"].get(code, 0) + row["centres"]
        totals[code] = totals.get(code, 0) + row["centres"]
    ordered_levels = [(code, name, colour) for _rank, code, name, colour in
                      sorted(levels.values())]
    result = [ProvinceCount(code=code, name=data["name"], counts=data["counts"],
                            total=sum(data["counts"].values()))
              for code, data in provinces.items()]
    return ordered_levels, result, totals, sum(totals.values())


# -- verification ----------------------------------------------------------------------------

_SENTINEL = "GECC-0000-000000"


def _verify_statement(connection):
    """The verification query compiled once per database connection: (SQL, position of the
    number among its parameters, parameters, compiler, converters). Building this query
    through the ORM (thirty columns over five joins) costs more than running it."""
    statement = getattr(connection, "_gecc_public_verify", None)
    if statement is None:
        queryset = (Certificate.objects.using(connection.alias).filter(number=_SENTINEL)
                    .order_by().values(*ROW_FIELDS)[:1])
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        params = list(params)
        position = params.index(_SENTINEL)
        converters = compiler.get_converters([column[0] for column in compiler.select])
        statement = (sql, position, params, compiler, converters)
        connection._gecc_public_verify = statement
    return statement


def _verify_row(number):
    """The public fields of certificate ``number`` and its unit, or None (one query)."""
    from django.db import connections

    connection = connections[Certificate.objects.db]
    sql, position, params, compiler, converters = _verify_statement(connection)
    params = list(params)
    params[position] = number
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if converters:
        rows = list(compiler.apply_converters(rows, converters))
    return dict(zip(ROW_FIELDS, rows[0], strict=True)) if rows else None


@dataclass(frozen=True)
class Verification:
    """What the verification page says of one certificate number."""

    centre: PublicCentre

    @property
    def certificate(self) -> PublicCertificate:
        return self.centre.certificate

    @property
    def status(self) -> VerifyStatus:
        return self.certificate.status


def verify(number, *, on=None) -> Verification | None:
    """The certificate ``number`` (any form ``normalize_number`` accepts) with its unit, or
    None when it is malformed (no query) or unknown (one query, compiled once per
    connection: ``_verify_statement``). Withdrawn certificates are found too: the page says
    so."""
    canonical = normalize_number(number)
    if canonical is None:
        return None
    row = _verify_row(canonical)
    if row is None:
        return None
    return Verification(centre=_centre(row, on or status_today()))
