"""The archive on disk: tables (``models``), engine and migrations (``db``), writes (``writes``),
media files and thumbnails (``media``) and export (``export``).

Imports only ``scraper.config``, ``errors`` and ``records``: never instaloader's side
(``scraper.instagram``), the sync or the workers. ``insights`` reads the archive through it.
"""
