"""Row rules for vizlib's data files, as pydantic models.

Each model validates one row of a CSV file (or the properties of one GeoJSON
feature). Rules that span rows (unique ids) or need geometry (a place inside
its oblast) live in :mod:`vizlib.data`.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

#: Claim subjects: what a claimed number counts.
SUBJECTS = {
    "ru_troops_kursk": "Russian troops in Kursk oblast",
    "nk_troops_russia": "North Korean troops in Russia",
    "nk_troops_kursk": "North Korean troops in Kursk oblast",
    "nk_casualties": "North Korean casualties (killed and wounded)",
    "ua_held_area_kursk": "Ukrainian-held area in Kursk oblast",
}
#: Units, with the largest value that is still plausible for each.
UNITS = {"troops": 1_500_000, "casualties": 1_500_000, "km2": 100_000}
#: What kind of number a claim is.
BASES = {
    "count": "a count at one date",
    "expected": "an expected or planned total",
    "cumulative": "a running total since the start",
    "peak": "the largest value reached",
}
#: Who made a claim: ISO 3166-1 alpha-2 of the claimant's side, or ``multi``.
SIDES = {"UA": "Ukraine", "RU": "Russia", "US": "United States", "KR": "South Korea", "multi": "several"}
PLACE_KINDS = ("capital", "city", "town", "village", "dam")
EVENT_CATEGORIES = ("diplomacy", "military", "politics", "report", "infrastructure")

#: Dates outside this window are typos: before Russia's 2014 aggression or in the future.
DATE_MIN = dt.date(2014, 2, 20)


# A rule's ValueError says what is wrong with the value, as a predicate ("is not ..."):
# vizlib.data writes the quoted value before it, e.g. "'ftp://x' is not an http(s) URL".


def _sane_date(value: dt.date) -> dt.date:
    if not DATE_MIN <= value <= dt.date.today():
        raise ValueError(f"is outside {DATE_MIN.isoformat()}..today")
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("is not an http(s) URL")
    return value


_WHOLE = re.compile(r"[+-]?\d+")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:([,' \u00a0\u202f])\d{3})(?:\1\d{3})*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DMY = re.compile(r"(\d{1,2})([/.])(\d{1,2})\2(\d{4})")
_YMD = re.compile(r"(\d{4})([/.])(\d{1,2})\2(\d{1,2})")
_TIMED = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ]\d.*")


def _whole_number(text: str) -> str:
    """Refuse what pydantic would guess at: 11,000 / 11 000 / 11.000 (eleven?) / 11.0."""
    if _WHOLE.fullmatch(text):
        return text
    if _GROUPED.fullmatch(text):
        return _refuse(f"is not a whole number (write {re.sub(r'[^0-9+-]', '', text)}, without separators)")
    return _refuse("is not a whole number (write digits only, without separators or decimals)")


def _iso_date(text: str) -> str:
    """Refuse every date form but YYYY-MM-DD, suggesting the rewrite when it is unambiguous."""
    if _ISO_DATE.fullmatch(text):
        try:
            dt.date.fromisoformat(text)
        except ValueError as exc:
            return _refuse(f"is not a real date ({exc})")
        return text
    expected = "is not a date in YYYY-MM-DD form"
    readings = []
    if match := _DMY.fullmatch(text):
        first, _, second, year = match.groups()
        readings = [(year, second, first), (year, first, second)]  # day first, then month first
    elif match := _YMD.fullmatch(text):
        year, _, month, day = match.groups()
        readings = [(year, month, day)]
    elif match := _TIMED.fullmatch(text):
        readings = [match.groups()]
    candidates = list(dict.fromkeys(_real_date(*r) for r in readings if _real_date(*r)))
    if len(candidates) == 1:
        return _refuse(f"{expected} (write {candidates[0]})")
    if candidates:
        return _refuse(f"{expected} (write {' or '.join(candidates)}: which is the day cannot be told)")
    return _refuse(expected)


def _real_date(year: str, month: str, day: str) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _refuse(message: str) -> Any:
    raise ValueError(message)


def _plain_type(annotation: Any) -> Any:
    """Return the type under Annotated[...] and ``| None``: ``int`` for ``Annotated[int, ...] | None``."""
    if typing.get_origin(annotation) is Annotated:
        return _plain_type(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _plain_type(inner[0]) if len(inner) == 1 else annotation
    return annotation


Date = Annotated[dt.date, AfterValidator(_sane_date)]
Url = Annotated[str, AfterValidator(_http_url)]
Text = Annotated[str, Field(min_length=1, max_length=400)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=60)]
Count = Annotated[int, Field(ge=0)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _text_form(cls, value: Any, info: ValidationInfo) -> Any:
        """Read a cell's text as written: a whole number is digits only, a date is YYYY-MM-DD."""
        if isinstance(value, str) and info.field_name:
            kind = _plain_type(cls.model_fields[info.field_name].annotation)
            if kind is int:
                return _whole_number(value.strip())
            if kind is dt.date:
                return _iso_date(value.strip())
        return value


class Claim(_Row):
    """One dated public claim of a number (troops, casualties, area)."""

    id: Slug
    subject: Literal[tuple(SUBJECTS)]  # type: ignore[valid-type]
    claim_date: Date
    refers_to: Date | None = None
    unit: Literal[tuple(UNITS)]  # type: ignore[valid-type]
    low: Count
    high: Count
    basis: Literal[tuple(BASES)]  # type: ignore[valid-type]
    claimant: Text
    claimant_side: Literal[tuple(SIDES)]  # type: ignore[valid-type]
    publication: Text
    source_url: Url
    note: str | None = None

    # Field validators see the fields declared before them in ``info.data``.
    @field_validator("refers_to")
    @classmethod
    def _not_after_claim(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        claimed = info.data.get("claim_date")
        if value and claimed and value > claimed:
            raise ValueError(f"is after claim_date {claimed.isoformat()}")
        return value

    @field_validator("high")
    @classmethod
    def _high_consistent(cls, value: int, info: ValidationInfo) -> int:
        low, unit = info.data.get("low"), info.data.get("unit")
        if low is not None and low > value:
            raise ValueError(f"is less than low ({low})")
        if unit and value > UNITS[unit]:
            raise ValueError(f"is implausibly large for unit {unit} (max {UNITS[unit]})")
        return value


class Event(_Row):
    """One dated event of the story."""

    id: Slug
    date: Date
    title: Annotated[str, Field(min_length=1, max_length=60)]
    description: Text
    category: Literal[EVENT_CATEGORIES]  # type: ignore[valid-type]
    place_id: Slug | None = None
    source: Text
    source_url: Url
    date_note: str | None = None


class Place(_Row):
    """One named point: town, capital or dam."""

    id: Slug
    name: Text
    name_uk: Text
    name_ru: Text
    kind: Literal[PLACE_KINDS]  # type: ignore[valid-type]
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    iso_3166_2: Annotated[str, Field(pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$")]
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
    lon: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
    precision_m: Annotated[float, Field(gt=0, le=50_000, allow_inf_nan=False)]
    approximate: bool
    geonames_id: Annotated[int, Field(gt=0, lt=2**31)] | None = None
    source: Text

    @field_validator("iso_3166_2")
    @classmethod
    def _in_country(cls, value: str, info: ValidationInfo) -> str:
        country = info.data.get("country")
        if country and not value.startswith(country + "-"):
            raise ValueError(f"is not a subdivision of country {country}")
        return value

    @field_validator("geonames_id")
    @classmethod
    def _gazetteer_or_approximate(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is None and info.data.get("approximate") is False:
            raise ValueError("empty, so the place must be marked approximate")
        return value


class Region(_Row):
    """Properties of one boundary polygon in ``regions.geojson``."""

    iso_3166_2: Annotated[str, Field(pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")]
    name: Text
    name_uk: Text
    name_ru: Text
    level: Literal["admin1", "country"]
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    area_km2_source: Annotated[float, Field(gt=0)]
    clipped: bool
    gn_id: Annotated[int, Field(gt=0, lt=2**31)] | None = None


class Country(_Row):
    """Properties of one country outline in ``locator.geojson``."""

    iso_a2: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    name: Text


#: The column set of each CSV kind, used to tell a file's kind from its header.
CSV_KINDS = {"claims": Claim, "events": Event, "places": Place}
GEOJSON_KINDS = {"regions": Region, "locator": Country}
