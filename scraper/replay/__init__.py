"""Instagram replayed at the ``requests`` level for tests, benchmarks and the demo: fake accounts,
Instagram's answers about them in the shapes instaloader 4.16 parses, and the replay that serves
them (``server``); a scraper command run against the replay in a process of its own (``offline``)
and the demo accounts (``demo``).

May import all of ``scraper``; nothing in the engine imports it but the command line's ``demo``.
"""

from scraper.replay.server import *  # noqa: F403 -- the replay's public names, listed in server.__all__
from scraper.replay.server import __all__ as __all__
