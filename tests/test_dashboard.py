"""The dashboard pages, run by Streamlit's AppTest against a seeded archive."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from scraper.config import Settings
from scraper.replay import InstagramReplay, build_account
from tests.conftest import Syncer

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


@pytest.fixture
def app_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("DATABASE_URL", settings.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(settings.media_dir))
    return settings


def test_accounts_page_lists_stored_accounts(
    app_env: Settings, replay: InstagramReplay, sync: Syncer
) -> None:
    account = build_account("ermua.kultura", 12)
    account.full_name = "<script>alert(1)</script> Kultura"
    replay.add_account(account)
    sync("ermua.kultura")

    at = AppTest.from_file(APP, default_timeout=30).run()

    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame["username"]) == ["ermua.kultura"]
    assert int(frame["posts"].iloc[0]) == 12
    assert frame["full_name"].iloc[0] == "<script>alert(1)</script> Kultura"  # shown as text, unchanged


def test_accounts_page_in_spanish_when_empty(app_env: Settings) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = "es"
    at.run()

    assert not at.exception
    assert "Aún no hay cuentas" in at.info[0].value
