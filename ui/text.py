"""Text for elements that render Markdown (st.error, st.caption...): made inert when it may hold
what a person typed or what Instagram sent."""

from __future__ import annotations

import re

# CommonMark's backslash-escapable characters, plus "<" and ">" so no HTML tag or autolink forms.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")


def inert(text: str) -> str:
    """``text`` with every Markdown special character escaped, so it shows as typed."""
    return _SPECIAL.sub(r"\\\1", text)
