"""The names each post lists (``post_names``) follow its JSON lists through every write: posts synced
new, a caption or its tags edited on Instagram, a post moved to another account or month, an account
removed; and migration 0013 fills them, for the posts an archive already had, as the store writes
them. The Community page counts a group's mentions, tags and hashtags from them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import Engine, delete, event, select, text, update

from insights import network
from scraper.archive import Archive
from scraper.records import MediaRecord, PostRecord
from scraper.replay import InstagramReplay, build_account
from scraper.store import db, names, writes
from scraper.store.models import Post, PostName, Profile
from tests.helpers import Syncer


def stored(engine: Engine) -> set[names.Row]:
    """The rows of ``post_names``."""
    with engine.connect() as conn:
        return {tuple(r) for r in conn.execute(select(*PostName.__table__.columns))}  # type: ignore[misc]


def from_posts(engine: Engine) -> set[names.Row]:
    """What the posts' own columns say their names are."""
    found: set[names.Row] = set()
    with db.session_factory(engine)() as session:
        for post in session.scalars(select(Post)):
            listed = (post.profile_id, post.taken_at, post.hashtags, post.mentions, post.tagged_users)
            found |= set(names.rows(post.id, listed))
    return found


def record(
    i: int, *, hashtags: tuple[str, ...] = (), mentions: tuple[str, ...] = (), **more: object
) -> PostRecord:
    fields: dict[str, object] = {
        "shortcode": f"CName{i:06d}",
        "media_id": 20_000 + i,
        "owner_id": 0,
        "taken_at": datetime(2024, 1, 31, 23, 30, tzinfo=UTC) + timedelta(hours=i),
        "type": "image",
        "caption": " ".join(f"#{h}" for h in hashtags) or None,
        "hashtags": hashtags,
        "mentions": mentions,
        "media": (MediaRecord(position=0, is_video=False, image_url=f"https://cdn.test/{i}.jpg"),),
    }
    fields.update(more)
    return PostRecord(**fields)  # type: ignore[arg-type]


def test_a_sync_writes_the_names_and_an_edit_on_instagram_replaces_them(
    archive: Archive, replay: InstagramReplay, sync: Syncer
) -> None:
    account = build_account("ermua.kultura", 6, seed=3)
    account.posts[0].caption = "Jaiak! #jaiak #Ermua #jaiak @ermua.udala"
    account.posts[0].tagged_users = ["ermua.udala", "auzokidea"]
    account.posts[1].caption = "#kultura"
    replay.add_account(account)
    assert sync("ermua.kultura", media=False).status == "ok"

    rows = stored(archive.engine)
    assert rows == from_posts(archive.engine)
    first = {(kind, name) for _, kind, name, _, _ in rows}
    assert {
        ("hashtag", "jaiak"),
        ("hashtag", "ermua"),
        ("mention", "ermua.udala"),
        ("tag", "auzokidea"),
    } <= first
    with archive.sessions() as session:
        jaiak = session.scalars(select(Post.id).where(Post.shortcode == account.posts[0].shortcode)).one()
    assert sum(1 for r in rows if r[:3] == (jaiak, "hashtag", "jaiak")) == 1  # once per post

    account.posts[0].caption = "Jaiak amaitu dira #jaiak2024"  # edited: #jaiak, #ermua, @ermua.udala gone
    account.posts[0].tagged_users = ["auzokidea"]
    account.posts[1].caption = None
    assert sync("ermua.kultura", refresh_recent=3, media=False).status == "ok"  # re-reads the newest

    rows = stored(archive.engine)
    assert rows == from_posts(archive.engine)
    assert {(kind, name) for post_id, kind, name, _, _ in rows if post_id == jaiak} == {
        ("hashtag", "jaiak2024"),
        ("tag", "auzokidea"),
    }
    assert not any(name == "kultura" for _, _, name, _, _ in rows)


def test_a_post_moved_to_another_account_or_month_takes_its_names_along(archive: Archive) -> None:
    with archive.sessions() as session:
        for user_id, username in ((1, "ermua.kultura"), (2, "ermua.udala")):
            session.add(Profile(id=user_id, username=username, first_seen_at=datetime.now(UTC)))
        session.flush()
        posts = [record(0, hashtags=("jaiak",)), record(1, hashtags=("ermua",), mentions=("ermua.udala",))]
        writes.save_posts(session, 1, posts)
        session.commit()
    assert {(r[2], r[3], r[4]) for r in stored(archive.engine)} == {
        ("jaiak", 1, "2024-01"),  # 23:30 UTC on the 31st: January, whatever the reader's zone
        ("ermua", 1, "2024-02"),
        ("ermua.udala", 1, "2024-02"),
    }

    with archive.sessions() as session:
        later = posts[0].taken_at + timedelta(days=40)
        writes.save_posts(session, 2, [posts[1]])  # the post changed hands
        writes.save_posts(session, 1, [record(0, hashtags=("jaiak",), taken_at=later)])
        session.commit()
    assert {(r[2], r[3], r[4]) for r in stored(archive.engine)} == {
        ("jaiak", 1, "2024-03"),
        ("ermua", 2, "2024-02"),
        ("ermua.udala", 2, "2024-02"),
    }
    assert stored(archive.engine) == from_posts(archive.engine)

    with archive.sessions() as session:
        session.execute(delete(Profile).where(Profile.id == 2))  # posts and names go with the account
        session.commit()
        assert network.post_lists(session, ["ermua.udala"]).named["mention"] == {}
    assert {r[2] for r in stored(archive.engine)} == {"jaiak"}


def test_saving_the_same_posts_again_writes_no_names(archive: Archive) -> None:
    with archive.sessions() as session:
        session.add(Profile(id=1, username="ermua.kultura", first_seen_at=datetime.now(UTC)))
        session.flush()
        page = [record(i, hashtags=("jaiak", f"h{i}")) for i in range(12)]
        writes.save_posts(session, 1, page)
        session.commit()
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        if "post_names" in statement:
            statements.append(statement)

    event.listen(archive.engine, "before_cursor_execute", seen)
    try:
        with archive.sessions() as session:
            writes.save_posts(
                session, 1, [record(i, hashtags=("jaiak", f"h{i}"), likes=i) for i in range(12)]
            )
            session.commit()
    finally:
        event.remove(archive.engine, "before_cursor_execute", seen)
    assert statements == []
    assert len(stored(archive.engine)) == 24


def test_the_migration_fills_the_names_of_the_posts_stored_as_the_store_would(
    empty_db_url: str, engines: list[Engine]
) -> None:
    engine = db.open_engine(empty_db_url)
    engines.append(engine)
    with db.session_factory(engine)() as session:
        session.add(Profile(id=1, username="ermua.kultura", first_seen_at=datetime.now(UTC)))
        session.flush()
        long_tag = "x" * 501
        writes.save_posts(
            session,
            1,
            [
                record(0, hashtags=("jaiak", "jaiak", "ermua", "", long_tag), mentions=("ermua.udala",)),
                record(1, hashtags=("kultura",), tagged_users=("auzokidea",)),
                record(2),
                record(3, hashtags=("zinema",)),
                record(4, hashtags=("antzerkia",)),
            ],
        )
        session.commit()
    by_store = stored(engine)
    assert ("hashtag", "jaiak") in {(r[1], r[2]) for r in by_store}
    assert not any(r[2] in ("", long_tag) for r in by_store)
    with engine.begin() as conn:  # JSON the store never writes, which an old archive might hold
        conn.execute(update(Post).where(Post.shortcode == "CName000003").values(hashtags="zinema"))
        conn.execute(
            update(Post).where(Post.shortcode == "CName000004").values(hashtags=[7, "antzerkia", None])
        )
    expected = from_posts(engine)
    assert ("hashtag", "zinema") not in {(r[1], r[2]) for r in expected}

    command.downgrade(db.alembic_config(engine), "0012")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM posts")).scalar_one() == 5
    db.upgrade(engine)

    assert stored(engine) == expected
    assert by_store - expected == {r for r in by_store if r[2] == "zinema"}
