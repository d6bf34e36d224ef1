"""The message catalog: the .po files translators edit, every language with every message and the
same placeholders, plurals by each language's rule, numbers and dates by locale, and the language
picked from the browser, the terminal or the sidebar."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from streamlit.testing.v1 import AppTest

from i18n import (
    LANGUAGES,
    MESSAGES,
    PENDING,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    format_size,
    normalize_language,
    pending_messages,
    po,
    t,
    tools,
)
from scraper.__main__ import main
from scraper.config import Settings, load_settings
from scraper.errors import ExitCode

PLURAL_FORMS = "nplurals=2; plural=(n != 1);"


def read(lang: str | None) -> Catalog:
    return po.read_catalog(po.template_path() if lang is None else po.po_path(lang), lang)


def keyed(catalog: Catalog) -> dict[str, object]:
    return {m.context: m for m in catalog if m.id and m.context is not None}


def forms(text: object) -> tuple[str, ...]:
    return tuple(text) if isinstance(text, tuple | list) else (str(text),)


TEMPLATE = keyed(read(None))


def test_the_po_files_parse_and_the_template_lists_every_key() -> None:
    assert len(TEMPLATE) > 400
    for lang in LANGUAGES:
        catalog = read(lang)
        assert str(catalog.locale) == lang
        assert catalog.plural_forms == PLURAL_FORMS  # two forms everywhere: what the tuples hold
        assert set(keyed(catalog)) == set(TEMPLATE), lang
    # The template holds no translation.
    assert all(not any(forms(m.string)) for m in TEMPLATE.values())  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_with_the_english_placeholders(lang: str) -> None:
    problems = []
    for key, message in keyed(read(lang)).items():
        english = forms(message.id)  # type: ignore[attr-defined]
        translated = forms(message.string)  # type: ignore[attr-defined]
        if message.fuzzy or not all(s.strip() for s in translated):  # type: ignore[attr-defined]
            problems.append(f"{key}: fuzzy or empty")
        elif len(translated) != len(english):
            problems.append(f"{key}: {len(translated)} forms for {len(english)}")
        elif any(po.placeholders(s) != po.placeholders(english[0]) for s in (*english, *translated)):
            problems.append(f"{key}: placeholders differ")
        elif po.placeholders(english[0]) and po.BRACE_FORMAT not in message.flags:  # type: ignore[attr-defined]
            problems.append(f"{key}: no python-brace-format flag")
    assert not problems


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_every_language_with_the_same_placeholders(key: str) -> None:
    """The .po files and the modules still PENDING, as t() sees them."""
    entry = MESSAGES[key]
    assert set(entry) == set(LANGUAGES)
    english = forms(entry["en"])
    for lang in LANGUAGES:
        texts = forms(entry[lang])
        assert len(texts) == len(english), lang  # plural everywhere or nowhere
        assert all(text.strip() for text in texts), lang
        assert all(po.placeholders(text) == po.placeholders(english[0]) for text in texts), lang


def test_pending_modules_do_not_define_a_key_twice() -> None:
    seen = set(TEMPLATE)
    for name, messages in pending_messages():
        assert not seen & set(messages), name
        seen |= set(messages)
    assert len(pending_messages()) == len(PENDING)


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [
        ("en", "1 file", "2 files"),
        ("es", "1 archivo", "2 archivos"),
        ("eu", "fitxategi 1", "2 fitxategi"),
    ],
)
def test_plural_forms_follow_the_language(lang: str, one: str, two: str) -> None:
    assert t("count.files", lang, count=1) == one
    assert t("count.files", lang, count=2) == two
    assert t("count.files", lang, count=0) == two.replace("2", "0")
    # A whole message, as the command line prints it.
    assert (
        t("cli.sync.files_failed", "en", user="x", count=1)
        == "x: 1 file could not be downloaded; the next sync tries it again."
    )
    assert t("cli.sync.files_failed", "es", user="x", count=3).startswith("x: 3 archivos no se pudieron")
    assert t("cli.sync.files_failed", "eu", user="x", count=1).startswith("x: ezin izan da fitxategi 1")


def test_a_plural_message_needs_a_count() -> None:
    with pytest.raises(TypeError, match="count"):
        t("count.files", "en")


@pytest.mark.parametrize(
    ("lang", "matches", "number", "percent", "day"),
    [
        ("en", "1,234 posts match", "12,345.7", "12.3%", "January 5, 2026"),
        ("es", "1.234 publicaciones coinciden", "12.345,7", "12,3\u00a0%", "5 de enero de 2026"),
        ("eu", "1.234 argitalpen datoz bat", "12.345,7", "%\u00a012,3", "2026(e)ko urtarrilaren 5(a)"),
    ],
)
def test_numbers_and_dates_are_written_as_the_language_writes_them(
    lang: str, matches: str, number: str, percent: str, day: str
) -> None:
    assert t("ui.captions.matches", lang, count=1234) == matches
    assert format_number(12345.678, lang, decimals=1) == number
    assert format_percent(0.1234, lang) == percent
    assert format_date(date(2026, 1, 5), lang, "long") == day
    # Strings stay as they are: a year or a user name is not an amount.
    assert t("chart.note.latest_years", lang, first="2024").count("2024") == 1


def test_dates_and_times_in_basque() -> None:
    moment = datetime(2026, 3, 14, 18, 5, tzinfo=UTC)
    assert format_date(moment, "eu") == "2026(e)ko mar. 14(a)"
    assert format_datetime(moment, "eu", time_format="short") == "2026(e)ko mar. 14(a) (18:05)"
    assert format_datetime(moment, "es", time_format="short") == "14 mar 2026, 18:05"
    assert format_size(1_234_567, "eu") == "1,2 MB"


@pytest.mark.parametrize(
    ("locale", "lang"),
    [
        ("es-ES", "es"),
        ("es_ES.UTF-8", "es"),
        ("eu-ES", "eu"),
        ("eu", "eu"),
        ("eu_ES.UTF-8", "eu"),
        ("ca-ES", "es"),
        ("gl_ES.UTF-8", "es"),
        ("fr-FR", "en"),
        ("en-GB", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_locale_to_language(locale: str | None, lang: str) -> None:
    assert normalize_language(locale) == lang


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"LANG": "eu_ES.UTF-8"}, "eu"),
        ({"SCRAPER_LANG": "eu", "LANG": "es_ES.UTF-8"}, "eu"),
        ({"LC_ALL": "C", "LANG": "eu_ES.UTF-8"}, "eu"),
    ],
)
def test_the_terminal_chooses_basque(environ: dict[str, str], lang: str) -> None:
    assert load_settings(environ=environ).language == lang


def test_the_command_line_speaks_basque(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    _restore_logging: None,
) -> None:
    for name in ("SCRAPER_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "eu_ES.UTF-8")
    monkeypatch.setenv("LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))

    code = main(["sync", "../etc", "--db", f"sqlite:///{tmp_path / 'a.db'}", "--media-dir", str(tmp_path)])

    assert code == ExitCode.BAD_INPUT
    err = capsys.readouterr().err
    assert "«../etc» ez da Instagrameko erabiltzaile-izen baliozkoa" in err


def sidebar_only() -> None:
    """A test script: the dashboard's sidebar and a page title, in the language it picks."""
    import streamlit as st

    from i18n import t
    from ui.state import language, sidebar_settings

    sidebar_settings()
    st.title(t("ui.page.gallery", language()))


def test_the_dashboard_speaks_basque_to_a_basque_browser() -> None:
    at = AppTest.from_function(sidebar_only, default_timeout=30)
    at.context["locale"] = "eu-ES"
    at.run()

    assert not at.exception
    assert at.title[0].value == t("ui.page.gallery", "eu") != t("ui.page.gallery", "en")
    assert at.sidebar.selectbox[0].value == "eu"
    assert at.sidebar.selectbox[0].label == t("ui.language", "eu")


def test_the_sidebar_switch_offers_basque() -> None:
    at = AppTest.from_function(sidebar_only, default_timeout=30)
    at.context["locale"] = "en-US"
    at.run()
    switch = at.sidebar.selectbox[0]
    assert switch.options == ["English", "Español", "Euskara"]

    switch.set_value("eu").run()

    assert not at.exception
    assert at.title[0].value == t("ui.page.gallery", "eu")


def test_the_dashboard_in_basque_on_an_empty_archive(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(settings.media_dir))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard.py"), default_timeout=60)
    at.context["locale"] = "eu"
    at.run()

    assert not at.exception
    assert at.info[0].value == t("ui.pick.none", "eu")
    assert at.info[0].value.startswith("Oraindik ez dago konturik gordeta")


@pytest.fixture
def locale_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The .po files copied to a temporary folder, which ``i18n.po`` then reads and writes."""
    folder = tmp_path / "locale"
    shutil.copytree(po.LOCALE_DIR, folder)
    monkeypatch.setattr(po, "LOCALE_DIR", folder)
    return folder


def test_moving_a_dict_module_into_the_po_files(locale_copy: Path) -> None:
    messages: dict[str, po.Entry] = {
        "test.greeting": {"en": "Hello {user}", "es": "Hola {user}", "eu": "Kaixo {user}"},
        "test.things": {
            "en": ("{count} thing", "{count} things"),
            "es": ("{count} cosa", "{count} cosas"),
            "eu": ("gauza {count}", "{count} gauza"),
        },
    }
    tools.move(messages, {"test.greeting": ("Shown on the first page.",)})

    loaded = po.load(LANGUAGES)
    assert loaded["test.greeting"] == messages["test.greeting"]
    assert loaded["test.things"] == messages["test.things"]
    assert "#. Shown on the first page." in (locale_copy / "eu/LC_MESSAGES/messages.po").read_text("utf-8")
    with pytest.raises(SystemExit, match=r"test\.greeting"):
        tools.move({"test.greeting": messages["test.greeting"]})


def test_changed_english_marks_the_translations_fuzzy(locale_copy: Path) -> None:
    english = read("en")
    keyed(english)["error.not_found"].string = "No account “{user}” on Instagram."  # type: ignore[attr-defined]
    po.write_catalog(po.po_path("en"), english)

    tools.update()

    basque = keyed(read("eu"))["error.not_found"]
    assert basque.fuzzy  # type: ignore[attr-defined]
    # The old English stays beside it, for the translator to compare.
    text = po.po_path("eu").read_text("utf-8")
    assert '#| msgid "The account “{user}” does not exist on Instagram."\nmsgctxt "error.not_found"' in text
    assert keyed(read(None))["error.not_found"].id == "No account “{user}” on Instagram."  # type: ignore[attr-defined]
    assert "eu" not in po.load(LANGUAGES)["error.not_found"]  # a fuzzy translation is not shown


def test_translations_from_a_json_file(locale_copy: Path, tmp_path: Path) -> None:
    given = tmp_path / "eu.json"
    given.write_text(json.dumps({"count.files": ["fitxategi bakar bat ({count})", "{count} fitxategi"]}))

    tools.translations("eu", given)

    assert po.load(LANGUAGES)["count.files"]["eu"] == ("fitxategi bakar bat ({count})", "{count} fitxategi")
