"""The stored accounts as a table."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from scraper.store import writes
from scraper.store.models import Profile


def accounts_frame(session: Session) -> pd.DataFrame:
    """One row per stored account: username, name, posts stored, followers, last sync and its status."""
    counts = writes.post_counts(session)
    runs = writes.last_runs(session)
    rows = []
    for profile in session.scalars(select(Profile).order_by(Profile.username)):
        run = runs.get(profile.username)
        rows.append(
            {
                "username": profile.username,
                "full_name": profile.full_name,
                "is_demo": profile.is_demo,
                "posts": counts.get(profile.id, 0),
                "followers": profile.followers,
                "last_sync": profile.last_synced_at,
                "status": run.status if run else None,
            }
        )
    columns = ["username", "full_name", "is_demo", "posts", "followers", "last_sync", "status"]
    return pd.DataFrame(rows, columns=columns)
