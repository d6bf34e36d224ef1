"""The message catalog: both languages for every key, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from i18n import LANGUAGES, MESSAGES, catalog, charts, normalize_language, t


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_both_languages_and_the_same_placeholders(key: str) -> None:
    entry = MESSAGES[key]
    assert set(entry) == set(LANGUAGES)
    assert all(entry[lang].strip() for lang in LANGUAGES)
    assert placeholders(entry["en"]) == placeholders(entry["es"])


def test_the_catalog_files_do_not_define_a_key_twice() -> None:
    assert not set(catalog.MESSAGES) & set(charts.MESSAGES)


@pytest.mark.parametrize(
    ("locale", "lang"),
    [
        ("es-ES", "es"),
        ("es_ES.UTF-8", "es"),
        ("eu-ES", "es"),
        ("fr-FR", "en"),
        ("en-GB", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_locale_to_language(locale: str | None, lang: str) -> None:
    assert normalize_language(locale) == lang


def test_messages_are_formatted_in_the_language_asked() -> None:
    assert t("error.not_found", "es", user="x") == "La cuenta «x» no existe en Instagram."
    assert t("error.not_found", "en", user="x") == "The account “x” does not exist on Instagram."
