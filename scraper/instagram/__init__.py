"""Talking to Instagram, only through instaloader's own request code: the loader and its context
(``fetch``), the rate controllers (``ratecontrol`` per process, ``ratelimit`` shared through Redis)
and logins (``login``).

Imports only ``scraper.config``, ``errors`` and ``records``: never the store, the sync or the workers.
"""
