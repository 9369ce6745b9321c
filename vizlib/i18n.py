"""The words of a figure in the reader's language: gettext catalogs and locale formats, through Babel.

Every string a reader sees is written in English in the code and looked up in
the language's gettext catalog (``vizlib/locale/<lang>/LC_MESSAGES/vizlib.po``,
compiled to ``.mo`` when the wheel is built; read straight from the ``.po`` in
a source checkout). Numbers and dates are formatted for the locale by Babel:
``50,000`` and ``11 Nov 2024`` in English, ``50 000`` and ``11 листопада 2024``
in Ukrainian.

Examples
--------
>>> from vizlib import i18n
>>> t = i18n.words("uk")
>>> t.number(50000) == "50\u00a0000"  # a no-break space groups the thousands
True
>>> t.date("2024-11-11")
'11 листопада 2024'
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

__all__ = ["LANGS", "LOCALES", "Words", "words", "catalog", "N_"]

#: Languages a figure can be drawn in.
LANGS = ("en", "uk")
#: Babel locale of each language.
LOCALES = {"en": "en", "uk": "uk_UA"}  # "en": US month abbreviations (Sep, not en_GB's Sept)
_LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: Date patterns (CLDR) of the house style: day first, month short in English (no ambiguity); the forms
#: of :meth:`Words.date`: full, day, month_year, month, and month_year_short (an axis's first tick).
_DATE = {
    "en": ("d MMM y", "d MMM", "MMM y", "MMM", "MMM y", "d MMM", "d MMM y"),
    "uk": ("d MMMM y", "d MMMM", "LLLL y", "LLL", "LLL y", "d MMM", "d MMM y"),
}
_FORMS = ("full", "day", "month_year", "month", "month_year_short", "day_short", "full_short")


def N_(message: str) -> str:
    """Mark an English message for the catalogs without translating it here (gettext's ``N_``).

    Titles and subtitles are marked where a builder writes them and translated
    by the figure's canvas in the figure's language.
    """
    return message


class Words:
    """A language's translations and formats; call it with an English message to translate it.

    Parameters
    ----------
    lang : {"en", "uk"}

    Raises
    ------
    ValueError
        On a language vizlib has no catalog for.
    """

    def __init__(self, lang: str) -> None:
        if lang not in LANGS:
            raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
        self.lang = lang
        self.locale = LOCALES[lang]
        self._messages = catalog(lang)

    def __call__(self, message: str, /, **values: Any) -> str:
        """Return ``message`` in this language, with ``{name}`` fields filled from ``values``.

        A message with no translation in the catalog comes back in English.
        """
        text = self._messages.get(message) or message
        return text.format(**values) if values else text

    def field(self, row: Any, name: str) -> str:
        """Return a data row's text ``name`` in this language: its ``<name>_<lang>`` column when filled.

        Data files may carry a translation beside a text column (``title_uk`` beside
        ``title``); a row without one keeps the text it has.
        """
        get = row.get if hasattr(row, "get") else lambda key, default=None: getattr(row, key, default)
        translated = get(f"{name}_{self.lang}", None) if self.lang != "en" else None
        if isinstance(translated, str) and translated.strip():
            return translated
        original = get(name, "")
        return original if isinstance(original, str) else ""

    def number(self, value: float, decimals: int | None = 0) -> str:
        """Format a number with the locale's grouping: ``50,000`` / ``50 000``; ``12.5`` / ``12,5``.

        ``decimals=None`` writes as many decimals as the value has, up to two (``4``, ``0.5``).
        """
        from babel.numbers import format_decimal

        if decimals is None:
            decimals = next(d for d in (0, 1, 2) if round(value, d) == round(value, 2))
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(round(value, decimals) if decimals else round(value), pattern, locale=self.locale)

    def number_range(self, low: float, high: float) -> str:
        """Format a range of numbers with an en dash: ``30,000–45,000``; one number when equal."""
        return self.number(low) if low == high else f"{self.number(low)}–{self.number(high)}"

    def short(self, value: float) -> str:
        """Format a count compactly for axes: ``50k`` / ``50 тис.``; ``800``."""
        if abs(value) >= 1000:
            thousands = f"{value / 1000:.1f}".rstrip("0").rstrip(".")
            if self.lang == "uk":
                return thousands.replace(".", ",") + "\u00a0тис."
            return thousands + "k"
        return self.number(value)

    def date(self, value: Any, form: str = "full") -> str:
        """Format a date: ``full`` 11 Nov 2024, ``day`` 11 Nov, ``month_year`` Nov 2024, ``month`` Nov.

        Ukrainian months are written out in the genitive after a day (``11 листопада 2024``), and
        alone as a month of a year (``листопад 2024``); ``month_year_short`` abbreviates the month
        in every language (``Nov 2024``, ``лист. 2024``), for axes; ``day_short`` the month after a
        day (``11 Nov``, ``11 лист.``), for labels short of room, and ``full_short`` with the year
        (``11 лист. 2024``).
        """
        from babel.dates import format_date

        forms = dict(zip(_FORMS, _DATE[self.lang], strict=True))
        return format_date(_as_date(value), forms[form], locale=self.locale)


def _as_date(value: Any) -> dt.date:
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime) or hasattr(value, "to_pydatetime"):
        return value.date()
    return value


@functools.cache
def words(lang: str = "en") -> Words:
    """Return the :class:`Words` of a language (cached).

    Raises
    ------
    ValueError
        On a language vizlib has no catalog for.
    """
    return Words(lang)


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """Return the translations of a language (English message -> translation); empty for English.

    Reads the compiled ``.mo`` shipped in the wheel, or the ``.po`` of a source checkout.
    """
    if lang == "en":
        return {}
    folder = _LOCALE_DIR / lang / "LC_MESSAGES"
    mo, po = folder / "vizlib.mo", folder / "vizlib.po"
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    with (mo if mo.is_file() else po).open("rb") as handle:
        parsed = read_mo(handle) if mo.is_file() else read_po(handle, locale=LOCALES[lang])
    return {m.id: m.string for m in parsed if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string}
