"""Celery's entry point, so that workers start as ``celery -A scraper.tasks worker`` (and beat as
``celery -A scraper.tasks beat``). The app and its tasks live in ``scraper.workers.queue``."""

from scraper.workers.queue import app

__all__ = ["app"]
