"""Message texts of the charts and tables built in ``insights`` (part of the one catalog)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {}
