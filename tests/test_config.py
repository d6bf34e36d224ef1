"""``load_settings``: the one reader of the environment, every variable as the README documents it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from scraper.config import DEFAULT_DATA_DIR, DEFAULT_LOG_DIR, DEFAULT_MEDIA_DIR, Settings, load_settings


def test_an_empty_environment_gives_the_defaults() -> None:
    settings = load_settings(environ={})

    assert settings == Settings(
        db_url=f"sqlite:///{DEFAULT_DATA_DIR / 'instagram.db'}",
        media_dir=DEFAULT_MEDIA_DIR.resolve(),
        data_dir=DEFAULT_DATA_DIR,
        log_dir=DEFAULT_LOG_DIR,
    )
    assert (settings.broker_url, settings.rate_url, settings.rate_store_url) == (None, None, None)
    assert (settings.rate_scope, settings.no_wait, settings.watch_check_seconds) == ("default", False, 60.0)
    assert settings.language == "en"
    assert settings.sessions_dir == DEFAULT_DATA_DIR / "sessions"


def test_every_variable_is_read(tmp_path: Path) -> None:
    environ = {
        "DATABASE_URL": "postgresql+psycopg://archive@db-host:5432/instagram",
        "MEDIA_DIR": str(tmp_path / "media"),
        "DATA_DIR": str(tmp_path / "data"),
        "LOG_DIR": str(tmp_path / "logs"),
        "SCRAPER_BROKER_URL": "redis://redis-host:6379/0",
        "SCRAPER_RATE_URL": " redis://rates:6379/2 ",
        "SCRAPER_RATE_SCOPE": " office-nat ",
        "SCRAPER_NO_WAIT": "1",
        "SCRAPER_WATCH_CHECK_SECONDS": "1.5",
        "SCRAPER_LANG": "es",
    }

    settings = load_settings(environ=environ)

    assert settings == Settings(
        db_url="postgresql+psycopg://archive@db-host:5432/instagram",
        media_dir=tmp_path / "media",
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
        broker_url="redis://redis-host:6379/0",
        rate_url="redis://rates:6379/2",
        rate_scope="office-nat",
        no_wait=True,
        watch_check_seconds=1.5,
        language="es",
    )
    assert settings.rate_store_url == "redis://rates:6379/2"
    assert settings.sessions_dir == tmp_path / "data" / "sessions"


def test_the_arguments_come_before_the_environment(tmp_path: Path) -> None:
    environ = {
        "DATABASE_URL": "sqlite:////elsewhere.db",
        "MEDIA_DIR": "/elsewhere",
        "DATA_DIR": str(tmp_path),
    }

    settings = load_settings(str(tmp_path / "mine.db"), tmp_path / "media", environ=environ)

    assert settings.db_url == f"sqlite:///{(tmp_path / 'mine.db').resolve()}"  # a plain file is SQLite
    assert settings.media_dir == (tmp_path / "media").resolve()
    assert (
        load_settings(environ={"DATA_DIR": str(tmp_path)}).db_url == f"sqlite:///{tmp_path / 'instagram.db'}"
    )


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"SCRAPER_LANG": "es", "LANG": "en_US.UTF-8"}, "es"),
        ({"SCRAPER_LANG": "en", "LANG": "es_ES.UTF-8"}, "en"),
        ({"LANG": "es_ES.UTF-8"}, "es"),
        ({"LC_ALL": "es-ES", "LANG": "en_GB.UTF-8"}, "es"),
        ({"LC_MESSAGES": "es_AR", "LANG": "en_US"}, "es"),
        ({"LC_ALL": "C", "LANG": "es_ES.UTF-8"}, "es"),  # "C" names no language: the next one counts
        ({"LC_ALL": "C.UTF-8", "LC_MESSAGES": "POSIX"}, "en"),
        ({"LANG": "eu_ES.UTF-8"}, "eu"),
        ({"LANG": "ca_ES.UTF-8"}, "es"),  # Catalan, with no catalog of its own, reads Spanish
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_language(environ: dict[str, str], language: str) -> None:
    assert load_settings(environ=environ).language == language


@pytest.mark.parametrize(
    ("rate_url", "broker_url", "store", "scope_value", "scope"),
    [
        ("", "", None, "", "default"),
        ("", "redis://broker:6379/0", "redis://broker:6379/0", "   ", "default"),
        ("", "amqp://guest@rabbit//", None, "office-nat", "office-nat"),
        ("redis://rates:6379/2", "redis://broker:6379/0", "redis://rates:6379/2", " home ", "home"),
        ("unix:///run/redis.sock", "amqp://guest@rabbit//", "unix:///run/redis.sock", "", "default"),
    ],
)
def test_the_shared_rate_budget(
    rate_url: str, broker_url: str, store: str | None, scope_value: str, scope: str
) -> None:
    environ = {
        "SCRAPER_RATE_URL": rate_url,
        "SCRAPER_BROKER_URL": broker_url,
        "SCRAPER_RATE_SCOPE": scope_value,
    }

    settings = load_settings(environ=environ)

    assert (settings.rate_store_url, settings.rate_scope) == (store, scope)
    assert settings.broker_url == (broker_url or None)


@pytest.mark.parametrize(("value", "no_wait"), [("", False), ("0", False), ("1", True), ("yes", True)])
def test_no_wait(value: str, no_wait: bool) -> None:
    assert load_settings(environ={"SCRAPER_NO_WAIT": value}).no_wait is no_wait


def test_a_check_interval_that_is_no_number_is_named() -> None:
    with pytest.raises(ValueError, match="SCRAPER_WATCH_CHECK_SECONDS"):
        load_settings(environ={"SCRAPER_WATCH_CHECK_SECONDS": "often"})


def test_the_process_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRAPER_RATE_SCOPE", "office-nat")
    monkeypatch.setenv("SCRAPER_LANG", "es")

    settings = load_settings()

    assert (settings.rate_scope, settings.language) == ("office-nat", "es")


def test_settings_are_frozen_and_hashable() -> None:
    """The dashboard keeps one archive per settings (a cache key), a worker too."""
    settings = load_settings(environ={})
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.no_wait = True  # type: ignore[misc]
    assert {settings: 1}[load_settings(environ={})] == 1
