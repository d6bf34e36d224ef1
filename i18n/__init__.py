"""The one message catalog: every user-visible string, in English, Spanish and Basque.

``t(key, lang, count=n, **params)`` formats a message; keys are grouped by where they are shown
(``cli.*``, ``error.*``, ``ui.*``). A message that depends on a number is a plural: a
(singular, plural) pair per language, chosen by the language's plural rule. Numbers and dates
shown to people go through ``format_number``, ``format_percent``, ``format_date`` and
``format_datetime`` (Babel, by locale). A test checks that every key has every language and that
the placeholders agree.
"""

from __future__ import annotations

import copy
import importlib
import numbers
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import TypeGuard

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel import units as babel_units

from i18n import po
from i18n.po import Entry as Entry
from i18n.po import Text as Text

# Dict modules of new features ({key: {"en": ..., "es": ..., "eu": ...}}, a (singular, plural)
# tuple for a plural), merged into the catalog until `python -m i18n.tools move MODULE` moves
# their messages into the .po files. One module name per line.
PENDING: tuple[str, ...] = ()


def pending_messages() -> list[tuple[str, dict[str, Entry]]]:
    """The ``MESSAGES`` of every module in ``PENDING``, by module name."""
    return [(name, importlib.import_module(name).MESSAGES) for name in PENDING]


LANGUAGES = ("en", "es", "eu")

# The one catalog: the .po files under i18n/locale/, read once, and the modules still PENDING.
MESSAGES: dict[str, Entry] = po.load(LANGUAGES)
for _name, _messages in pending_messages():
    MESSAGES.update(_messages)

DEFAULT_LANGUAGE = "en"
# Languages of Spain without a catalog of their own read Spanish.
NEAREST = {"ca": "es", "gl": "es"}


def normalize_language(value: str | None) -> str:
    """The supported language closest to a locale such as ``es-ES`` or ``eu_ES.UTF-8``."""
    if value:
        code = value.replace("-", "_").split("_")[0].split(".")[0].lower()
        code = NEAREST.get(code, code)
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def choose_language(*values: str | None) -> str:
    """The language of the first of ``values`` that names one (the values of SCRAPER_LANG and the
    locale variables, in order: ``scraper.config`` reads them); "C" and "POSIX" name none."""
    for value in values:
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return normalize_language(value)
    return DEFAULT_LANGUAGE


@cache
def locale(lang: str) -> Locale:
    """Babel's locale for ``lang``."""
    return Locale.parse(lang)


def plural_index(count: float | Decimal, lang: str) -> int:
    """0 for the singular form of ``lang``, 1 for the plural (Babel's plural rule, CLDR)."""
    return 0 if locale(lang).plural_form(-count if count < 0 else count) == "one" else 1


def is_number(value: object) -> TypeGuard[float | Decimal]:
    """Whether ``value`` is a number to format by locale (not a bool; numpy's numbers too)."""
    return isinstance(value, numbers.Real | Decimal) and not isinstance(value, bool)


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, count: object = None, **params: object) -> str:
    """The message ``key`` in ``lang``, with ``params`` filled in; numbers are formatted for ``lang``.

    A plural message needs ``count``; it is also the ``{count}`` placeholder. Pass years, ids and
    other numbers that are names rather than amounts as ``str``.
    """
    entry = MESSAGES[key]
    if lang not in entry:
        lang = DEFAULT_LANGUAGE
    text = entry[lang]
    if isinstance(text, tuple):
        if not is_number(count):
            raise TypeError(f"{key} is a plural message: pass a number as count=, not {count!r}")
        text = text[plural_index(count, lang)]
    if count is not None:
        params["count"] = count
    if not params:
        return text
    return text.format(**{name: format_number(v, lang) if is_number(v) else v for name, v in params.items()})


def _pattern(pattern: str, decimals: int | None) -> babel_numbers.NumberPattern:
    """The number ``pattern`` with at most ``decimals`` fraction digits."""
    parsed = copy.copy(babel_numbers.parse_pattern(pattern))
    if decimals is not None:
        parsed.frac_prec = (0, decimals)
    return parsed


def format_number(value: float | Decimal, lang: str, decimals: int | None = None) -> str:
    """``value`` as people of ``lang`` write it: "12,345.6" in English, "12.345,6" in Spanish and Basque.

    At most ``decimals`` fraction digits (Babel's default, 3, when None).
    """
    if decimals is None:
        return babel_numbers.format_decimal(value, locale=locale(lang))
    pattern = locale(lang).decimal_formats[None].pattern
    return _pattern(pattern, decimals).apply(value, locale(lang))


def format_percent(value: float | Decimal, lang: str, decimals: int = 1) -> str:
    """The fraction ``value`` as a percentage for ``lang``: "12.3%", "12,3 %", "% 12,3"."""
    pattern = locale(lang).percent_formats[None].pattern
    return _pattern(pattern, decimals).apply(value, locale(lang))


def format_date(value: date | datetime, lang: str, format: str = "medium") -> str:
    """The day of ``value`` for ``lang``; ``format`` is "short", "medium", "long", "full" or a
    Babel pattern."""
    if isinstance(value, datetime):
        value = value.date()
    return babel_dates.format_date(value, format, locale=locale(lang))


def format_datetime(
    value: datetime, lang: str, format: str = "medium", time_format: str | None = None
) -> str:
    """The day and time of ``value`` for ``lang``, in the time zone ``value`` carries.

    ``time_format`` ("short": no seconds) sets the time apart from the day, joined as ``lang`` joins
    them ("Jan 5, 2026, 3:04 PM", "5 ene 2026, 15:04", "2026(e)ko urt. 5(a) (15:04)").
    """
    if time_format is None:
        return babel_dates.format_datetime(value, format, tzinfo=value.tzinfo, locale=locale(lang))
    joined = str(locale(lang).datetime_formats[format]).replace("'", "")
    day = babel_dates.format_date(value.date(), format, locale=locale(lang))
    return joined.replace("{1}", day).replace("{0}", format_time(value, lang, time_format))


def format_day(value: date | datetime, lang: str) -> str:
    """The day of ``value`` without the year, for ``lang``: "Jan 5", "5 ene", "urt. 5(a)"."""
    return babel_dates.format_skeleton("MMMd", value, locale=locale(lang))


def format_size(size: int, lang: str) -> str:
    """A byte count for people of ``lang``, in powers of 1000: "512 byte", "1.2 MB", "1,2 MB"."""
    if abs(size) < 1000:
        return babel_units.format_unit(size, "digital-byte", "short", format="#,##0", locale=locale(lang))
    value = float(size)
    for unit in ("kilobyte", "megabyte", "gigabyte", "terabyte", "petabyte"):
        value /= 1000
        if abs(round(value, 1)) < 1000 or unit == "petabyte":
            break
    return babel_units.format_unit(value, f"digital-{unit}", "short", format="#,##0.0", locale=locale(lang))


def format_time(value: datetime, lang: str, format: str = "medium") -> str:
    """The time of day of ``value`` for ``lang`` ("3:04:05 PM", "15:04:05"), in its own time zone."""
    return babel_dates.format_time(value, format, tzinfo=value.tzinfo, locale=locale(lang))


def number_symbols(lang: str) -> tuple[str, str]:
    """The decimal mark and the thousands separator of ``lang``: (".", ",") in English."""
    return babel_numbers.get_decimal_symbol(locale(lang)), babel_numbers.get_group_symbol(locale(lang))
