"""The one message catalog: every user-visible string, in English and Spanish.

``t(key, lang, **params)`` formats a message; keys are grouped by where they are shown
(``cli.*``, ``error.*``, ``ui.*``). A test checks that every key has both languages and that the
placeholders agree.
"""

from __future__ import annotations

from i18n import catalog, charts

# One catalog, kept in two files: the UI and command line, and the charts.
MESSAGES: dict[str, dict[str, str]] = {**catalog.MESSAGES, **charts.MESSAGES}

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
# Languages of Spain without a catalog of their own read Spanish: our first users are in the Basque Country.
NEAREST = {"eu": "es", "ca": "es", "gl": "es"}


def normalize_language(value: str | None) -> str:
    """The supported language closest to a locale such as ``es-ES`` or ``es_ES.UTF-8``."""
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


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The message ``key`` in ``lang``, with ``params`` filled in."""
    entry = MESSAGES[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**params) if params else text
