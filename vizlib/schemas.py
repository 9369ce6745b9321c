"""Row rules for vizlib's data files, as pydantic models.

Each model validates one row of a CSV file (or the properties of one GeoJSON
feature). Rules that span rows (unique ids, the order of a place's changes of
hands) or files, or need geometry (a place inside its oblast), live in
:mod:`vizlib.data` and its private modules.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

__all__ = [
    "SUBJECTS",
    "UNITS",
    "BASES",
    "BOUNDS",
    "ATTRIBUTIONS",
    "UNDATED",
    "SIDES",
    "PLACE_KINDS",
    "EVENT_CATEGORIES",
    "CONTROLLERS",
    "DATE_MIN",
    "Date",
    "Url",
    "Text",
    "Slug",
    "Count",
    "Publication",
    "Translation",
    "Claim",
    "Event",
    "Place",
    "Settlement",
    "Control",
    "Region",
    "Country",
    "CSV_KINDS",
    "GEOJSON_KINDS",
]

#: Claim subjects: what a claimed number counts.
SUBJECTS = {
    "ru_troops_kursk": "Russian troops in Kursk oblast",
    "ru_nk_troops_kursk": "Russian and North Korean troops in Kursk oblast (one number for both)",
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
#: How a claimed number is bounded: which of ``low``/``high`` it gives.
BOUNDS = {
    "exact": "one number given without a qualifier (low = high); not a claim of precision",
    "about": "one number given as approximate: about, some, roughly, nearly (low = high)",
    "range": "a range from low to high (low < high)",
    "at_least": "a lower bound only: at least, more than, over (high empty)",
    "up_to": "an upper bound only: up to, as many as (low empty)",
}
#: Who produced a number: the claimant, or someone who computed it from the claimant's numbers.
ATTRIBUTIONS = {
    "stated": "the claimant gave this number",
    "derived": "computed from the claimant's numbers by the publication or by vizlib (the note says who and how)",
}
#: The ``refers_to`` value for a number whose source gives no date for it (the loader returns NaT).
UNDATED = "undated"
#: Who made a claim: ISO 3166-1 alpha-2 of the claimant's side, or ``multi``.
SIDES = {"UA": "Ukraine", "RU": "Russia", "US": "United States", "KR": "South Korea", "multi": "several"}
#: What a place of ``places.csv`` or ``settlements.csv`` is.
PLACE_KINDS = ("capital", "city", "town", "village", "dam")
#: What an event of ``events.csv`` is about.
EVENT_CATEGORIES = ("diplomacy", "military", "politics", "report", "infrastructure")
#: Who holds a place: the values of ``control.csv``'s ``controlled_by``.
CONTROLLERS = ("ukraine", "russia", "contested")

#: Dates outside this window are typos: before Russia's 2014 aggression or in the future.
DATE_MIN = dt.date(2014, 2, 20)


# A rule's ValueError says what is wrong with the value, as a predicate ("is not ...",
# "must ...", "needs ..."): vizlib.data writes the quoted value before it, e.g.
# "'ftp://x' is not an http(s) URL". A rule about an empty value says "required ..." or
# "empty, ..." instead (there is no value to quote).


def _one_of(vocabulary: dict[str, str] | tuple[str, ...]) -> AfterValidator:
    """Return a rule that a value is one word of a fixed ``vocabulary`` (cells are stripped before)."""
    words = tuple(vocabulary)

    def check(value: str) -> str:
        if value not in words:
            raise ValueError(f"is not one of {', '.join(words)}")
        return value

    return AfterValidator(check)


def _sane_date(value: dt.date) -> dt.date:
    if not DATE_MIN <= value <= dt.date.today():
        raise ValueError(f"is outside {DATE_MIN.isoformat()}..today")
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("is not an http(s) URL")
    return value


def _one_publication(value: str) -> str:
    if any(mark in value for mark in ("(", ")", ";", ",")) or " via " in f" {value.lower()} ":
        raise ValueError("must name one publication; put the site the URL points at in 'via'")
    return value


_WHOLE = re.compile(r"[+-]?\d+")
# pandas writes an integer column that holds an empty cell (NaN) as floats: "50000.0". One
# ".0" is unambiguous (no thousands grouping has one digit), so it reads as 50000; "11.000"
# (eleven, or eleven thousand?) and "11000.5" are refused.
_PANDAS_FLOAT = re.compile(r"([+-]?\d+)\.0")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:([,' \u00a0\u202f])\d{3})(?:\1\d{3})*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DMY = re.compile(r"(\d{1,2})([/.])(\d{1,2})\2(\d{4})")
_YMD = re.compile(r"(\d{4})([/.])(\d{1,2})\2(\d{1,2})")
_TIMED = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ]\d.*")


def _whole_number(text: str) -> str:
    """Refuse what pydantic would guess at: 11,000 / 11 000 / 11.000 (eleven?) / 11.5; read 11000.0 as 11000."""
    if _WHOLE.fullmatch(text):
        return text
    if match := _PANDAS_FLOAT.fullmatch(text):
        return match.group(1)
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
    readings: list[tuple[str, str, str]] = []
    if match := _DMY.fullmatch(text):
        first, _, second, year = match.groups()
        readings = [(year, second, first), (year, first, second)]  # day first, then month first
    elif match := _YMD.fullmatch(text):
        year, _, month, day = match.groups()
        readings = [(year, month, day)]
    elif match := _TIMED.fullmatch(text):
        year, month, day = match.groups()
        readings = [(year, month, day)]
    candidates = list(dict.fromkeys(date for r in readings if (date := _real_date(*r))))
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
#: A publication's own name ("Reuters", "New York Times"), never a chain.
Publication = Annotated[Text, AfterValidator(_one_publication)]
#: A text column's translation (``title_uk`` beside ``title``): optional, as a column and in each row.
Translation = Annotated[str, Field(min_length=1, max_length=600)] | None


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)
    #: Columns a file may leave out (translations): read as empty.
    OPTIONAL_COLUMNS: ClassVar[frozenset[str]] = frozenset()

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
    """One dated public claim of a number (troops, casualties, area).

    ``refers_to`` is None when the source gives no date for the number (CSV: ``undated``);
    ``low``/``high`` is None at an open end (``bound`` ``up_to``/``at_least``).
    """

    id: Slug
    subject: Annotated[str, _one_of(SUBJECTS)]
    claim_date: Date
    refers_to: Date | None
    unit: Annotated[str, _one_of(UNITS)]
    low: Count | None = None
    high: Count | None = None
    bound: Annotated[str, _one_of(BOUNDS)]
    basis: Annotated[str, _one_of(BASES)]
    attribution: Annotated[str, _one_of(ATTRIBUTIONS)]
    claimant: Text
    claimant_side: Annotated[str, _one_of(SIDES)]
    publication: Publication
    via: Text | None = None
    source_url: Url
    note: str | None = None
    claimant_uk: Translation = None
    note_uk: Translation = None
    via_uk: Translation = None

    OPTIONAL_COLUMNS = frozenset({"claimant_uk", "note_uk", "via_uk"})

    # Field validators see the fields declared before them in ``info.data`` (a field
    # that failed its own rules is absent, so a rule about it is not repeated).
    @field_validator("refers_to", mode="before")
    @classmethod
    def _explicit_date(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError(f"required: an ISO date, or {UNDATED!r} if the source gives none")
        if isinstance(value, str) and value.strip().lower() == UNDATED:
            return None
        return value

    @field_validator("refers_to")
    @classmethod
    def _not_after_claim(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        claimed = info.data.get("claim_date")
        if value and claimed and value > claimed:
            raise ValueError(f"is after claim_date {claimed.isoformat()}")
        return value

    @field_validator("low", "high")
    @classmethod
    def _plausible(cls, value: int | None, info: ValidationInfo) -> int | None:
        unit = info.data.get("unit")
        if value is not None and unit and value > UNITS[unit]:
            raise ValueError(f"is implausibly large for unit {unit} (max {UNITS[unit]})")
        low = info.data.get("low")
        if info.field_name == "high" and value is not None and low is not None and low > value:
            raise ValueError(f"is less than low ({low})")
        return value

    @field_validator("bound")
    @classmethod
    def _bound_fits(cls, value: str, info: ValidationInfo) -> str:
        if "low" not in info.data or "high" not in info.data:
            return value
        low, high = info.data["low"], info.data["high"]
        given = f"got low {_show(low)}, high {_show(high)}"
        needs = {
            "exact": (low is not None and low == high, "needs low = high"),
            "about": (low is not None and low == high, "needs low = high"),
            "range": (low is not None and high is not None and low < high, "needs low < high"),
            "at_least": (low is not None and high is None, "needs low and an empty high (a lower bound only)"),
            "up_to": (low is None and high is not None, "needs high and an empty low (an upper bound only)"),
        }
        ok, rule = needs[value]
        if not ok:
            raise ValueError(f"{rule}, {given}")
        return value

    @field_validator("via")
    @classmethod
    def _via_differs(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value and value == info.data.get("publication"):
            raise ValueError("is the publication itself; leave via empty")
        return value

    @field_validator("note")
    @classmethod
    def _derived_explained(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("attribution") == "derived" and not value:
            raise ValueError("required when attribution is 'derived': say who computed the number and how")
        return value


def _show(value: int | None) -> str:
    return "empty" if value is None else str(value)


#: The longest an event's short title (a phone timeline's label, where the title does not fit one line) may be.
_SHORT_TITLE_CHARS = 30
#: The longest an event's words by its place on a map (a phone's or a card's note, one line over the date) may be.
_PLACE_LABEL_CHARS = 20


class Event(_Row):
    """One dated event of the story."""

    id: Slug
    date: Date
    title: Annotated[str, Field(min_length=1, max_length=60)]
    short_title: Annotated[str, Field(min_length=1, max_length=_SHORT_TITLE_CHARS)] | None = None
    description: Text
    category: Annotated[str, _one_of(EVENT_CATEGORIES)]
    place_id: Slug | None = None
    place_label: Annotated[str, Field(min_length=1, max_length=_PLACE_LABEL_CHARS)] | None = None
    source: Publication
    via: Text | None = None
    source_url: Url
    date_note: str | None = None
    title_uk: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    short_title_uk: Annotated[str, Field(min_length=1, max_length=_SHORT_TITLE_CHARS)] | None = None
    description_uk: Translation = None
    date_note_uk: Translation = None
    place_label_uk: Annotated[str, Field(min_length=1, max_length=_PLACE_LABEL_CHARS)] | None = None

    OPTIONAL_COLUMNS = frozenset(
        {"short_title", "place_label", "title_uk", "short_title_uk", "description_uk", "date_note_uk", "place_label_uk"}
    )

    @field_validator("via")
    @classmethod
    def _via_differs(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value and value == info.data.get("source"):
            raise ValueError("is the source itself; leave via empty")
        return value


class _Point(_Row):
    """The columns ``places.csv`` and ``settlements.csv`` share, and their rules."""

    id: Slug
    name: Text
    name_uk: Text
    name_ru: Text | None = None
    kind: Annotated[str, _one_of(PLACE_KINDS)]
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    iso_3166_2: Annotated[str, Field(pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$")]
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
    lon: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
    precision_m: Annotated[float, Field(gt=0, le=50_000, allow_inf_nan=False)]
    approximate: bool
    evidence_url: Url | None = None
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
        if "evidence_url" not in info.data:  # it broke its own rule, said already
            return value
        if value is None and info.data.get("approximate") is False and not info.data["evidence_url"]:
            raise ValueError("empty, so the place must be marked approximate or give its evidence_url")
        return value


class Place(_Point):
    """One named point: town, capital or dam."""

    name_ru: Text
    source_uk: Translation = None

    OPTIONAL_COLUMNS = frozenset({"source_uk"})


class Settlement(_Point):
    """One GeoNames settlement of a close-up map (``settlements.csv``).

    Like :class:`Place`, plus ``population`` (GeoNames); ``name_ru`` may be
    empty where GeoNames has no Russian name.
    """

    population: Count


class Control(_Row):
    """One change of hands of one place (``control.csv``).

    ``date`` empty means the holder held the place from before the record
    starts (:data:`vizlib.data.CONTROL_RECORD_START`).
    """

    place_id: Slug
    date: Date | None = None
    controlled_by: Annotated[str, _one_of(CONTROLLERS)]
    source: Text
    source_url: Url
    note: Annotated[str, Field(max_length=600)] | None = None
    source_uk: Translation = None

    OPTIONAL_COLUMNS = frozenset({"source_uk"})


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


#: The row model of each CSV kind; its fields are the file's columns.
CSV_KINDS: dict[str, type[BaseModel]] = {
    "claims": Claim,
    "events": Event,
    "places": Place,
    "settlements": Settlement,
    "control": Control,
}
#: The properties model of each GeoJSON kind.
GEOJSON_KINDS: dict[str, type[BaseModel]] = {"regions": Region, "locator": Country}
