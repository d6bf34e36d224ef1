"""The log file: details and tracebacks go to ``logs/scraper.log`` (rotating), never to the screen."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from scraper import errors

MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5
_SECRET = re.compile(
    r"(sessionid|csrftoken|password|enc_password|ds_user_id)([\"']?\s*[:=]\s*[\"']?)[^\s\"'&;,}]+", re.I
)


class RedactSecrets(logging.Filter):
    """Masks session cookies and passwords should a message ever carry one."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SECRET.sub(r"\1\2***", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def setup_logging(log_dir: Path, level: int = logging.INFO) -> Path:
    """Send the ``scraper`` loggers (and instaloader's messages) to a rotating file; returns its path."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "scraper.log"
    errors.log_file = str(path)
    root = logging.getLogger("scraper")
    if not any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
        )
        handler.addFilter(RedactSecrets())
        root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False
    return path
