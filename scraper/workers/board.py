"""Syncs run by Celery workers, as every client sees them: a board of jobs kept in Redis.

The dashboard and the command line put a job on the board and send the task; the worker that runs it
writes its progress and outcome there, and a heartbeat while it runs. Any client on any machine
sharing the Redis server reads the same jobs, so a sync started from one dashboard shows in another.

One job per account: putting one on the board while the account's last job is queued or running
returns that job (checked and written in one Redis transaction). A running job whose heartbeat has
stopped (its worker was killed) reads as interrupted, and a new one may start: the sync itself
continues where the lost one stopped.
"""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NotRequired, TypedDict, cast

import redis

from scraper.errors import ExitCode, ScraperError
from scraper.records import SyncStatus
from scraper.sync import Progress, SyncOptions, SyncPhase, SyncResult
from scraper.workers.jobs import FINISHED, SyncJob

PREFIX = "scraper:"
# Jobs are forgotten a week after they were last written.
KEEP_SECONDS = 7 * 24 * 3600
# A running job whose worker has not written for this long is taken for lost.
STALE_AFTER = 30.0


class RemoteError(ScraperError):
    """An error a worker met, as it is read back from the board: its message key, parameters and exit code."""

    def __init__(self, key: str, exit_code: int, params: dict[str, object]) -> None:
        self.exit_code = ExitCode(exit_code)
        super().__init__(key, **params)


class WorkerLost(ScraperError):
    exit_code = ExitCode.INTERRUPTED
    default_key = "error.worker_lost"


@dataclass
class BoardJob(SyncJob):
    """A job on the board: a SyncJob with the id of its Celery task and its worker's last heartbeat."""

    id: str = ""
    session_user: str | None = None
    heartbeat_at: float = 0.0
    worker: str = ""


# The JSON of a job on the board, written and read by the helpers below.


class OptionsJson(TypedDict):
    """A SyncOptions (also the options argument of the Celery task)."""

    max_posts: int | None
    since: str | None  # ISO 8601
    videos: bool
    refresh_recent: int
    full: bool
    media: bool
    comments: NotRequired[bool]  # the comment options: absent from jobs queued by earlier versions
    max_comments: NotRequired[int | None]
    refresh_comments: NotRequired[bool]
    comments_days: NotRequired[int]


class ErrorJson(TypedDict):
    """A ScraperError: its message key, exit code and the parameters of its message."""

    key: str
    exit_code: int
    params: dict[str, object]  # numbers and strings


class ProgressJson(TypedDict):
    username: str
    phase: str  # a SyncPhase's value
    done: int
    total: int | None
    media_done: int
    media_total: int
    wait_seconds: float
    wait_until: str | None


class ResultJson(TypedDict):
    username: str
    run_id: int | None
    status: str  # a SyncStatus's value
    new: int
    updated: int
    skipped: int
    media_downloaded: int
    media_failed: int
    comments_new: NotRequired[int]
    comments_updated: NotRequired[int]
    comments_deleted: NotRequired[int]
    api_requests: int
    seconds: float
    stop_reason: str
    error: ErrorJson | None
    failures: list[str]


class JobJson(TypedDict):
    id: str
    username: str
    options: OptionsJson
    session_user: str | None
    status: str  # a SyncStatus's value
    progress: ProgressJson
    result: ResultJson | None
    error: ErrorJson | None
    queued_at: str | None
    finished_at: str | None
    heartbeat_at: float
    worker: str


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def options_to_json(options: SyncOptions) -> OptionsJson:
    data = dataclasses.asdict(options)
    data["since"] = _time(options.since)
    return cast(OptionsJson, data)


def options_from_json(data: OptionsJson) -> SyncOptions:
    fields: dict[str, Any] = {**data, "since": _parse_time(data.get("since"))}
    return SyncOptions(**fields)


def error_to_json(error: ScraperError | None) -> ErrorJson | None:
    if error is None:
        return None
    params: dict[str, object] = {
        k: v if isinstance(v, int | float) else str(v) for k, v in error.params.items()
    }
    return {"key": error.key, "exit_code": error.exit_code, "params": params}


def error_from_json(data: ErrorJson | None) -> ScraperError | None:
    if not data:
        return None
    return RemoteError(data["key"], int(data["exit_code"]), dict(data.get("params") or {}))


def _progress_to_json(progress: Progress) -> ProgressJson:
    data = dataclasses.asdict(progress)
    data["wait_until"] = _time(progress.wait_until)
    return cast(ProgressJson, data)


def _progress_from_json(data: ProgressJson) -> Progress:
    fields: dict[str, Any] = {**data, "wait_until": _parse_time(data.get("wait_until"))}
    if "phase" in data:
        fields["phase"] = SyncPhase(data["phase"])
    return Progress(**fields)


def _result_to_json(result: SyncResult | None) -> ResultJson | None:
    if result is None:
        return None
    data = dataclasses.asdict(dataclasses.replace(result, error=None))
    data["error"] = error_to_json(result.error)
    return cast(ResultJson, data)


def _result_from_json(data: ResultJson | None) -> SyncResult | None:
    if data is None:
        return None
    fields: dict[str, Any] = {**data, "error": error_from_json(data.get("error"))}
    if "status" in data:
        fields["status"] = SyncStatus(data["status"])
    return SyncResult(**fields)


def _job_to_json(job: BoardJob) -> str:
    data: JobJson = {
        "id": job.id,
        "username": job.username,
        "options": options_to_json(job.options),
        "session_user": job.session_user,
        "status": job.status,
        "progress": _progress_to_json(job.progress),
        "result": _result_to_json(job.result),
        "error": error_to_json(job.error),
        "queued_at": _time(job.queued_at),
        "finished_at": _time(job.finished_at),
        "heartbeat_at": job.heartbeat_at,
        "worker": job.worker,
    }
    return json.dumps(data)


def _job_from_json(raw: str) -> BoardJob:
    data: JobJson = json.loads(raw)
    queued_at = _parse_time(data["queued_at"])
    assert queued_at is not None
    return BoardJob(
        username=data["username"],
        options=options_from_json(data["options"]),
        status=SyncStatus(data["status"]),
        progress=_progress_from_json(data["progress"]),
        result=_result_from_json(data["result"]),
        error=error_from_json(data["error"]),
        queued_at=queued_at,
        finished_at=_parse_time(data["finished_at"]),
        id=data["id"],
        session_user=data.get("session_user"),
        heartbeat_at=float(data.get("heartbeat_at") or 0.0),
        worker=data.get("worker") or "",
    )


class JobBoard:
    """The jobs of one Redis server (and key prefix)."""

    def __init__(
        self, client: redis.Redis, *, prefix: str = PREFIX, stale_after: float = STALE_AFTER
    ) -> None:
        self.redis = client
        self.prefix = prefix
        self.stale_after = stale_after

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> JobBoard:
        return cls(redis.Redis.from_url(url, decode_responses=True), **kwargs)

    def _key(self, username: str) -> str:
        return f"{self.prefix}job:{username}"

    @property
    def _index(self) -> str:
        return f"{self.prefix}jobs"

    def _cancel_key(self, job_id: str) -> str:
        return f"{self.prefix}cancel:{job_id}"

    def _now(self) -> float:
        """Redis's clock, so that workers and clients on machines with skewed clocks agree."""
        seconds, micros = self.redis.time()
        return seconds + micros / 1e6

    def _read(self, raw: object, now: float) -> BoardJob | None:
        if raw is None:
            return None
        job = _job_from_json(raw.decode() if isinstance(raw, bytes) else str(raw))
        if job.status == SyncStatus.RUNNING and now - job.heartbeat_at > self.stale_after:
            job.status, job.error = SyncStatus.INTERRUPTED, WorkerLost(user=job.username)
            job.finished_at = job.finished_at or datetime.fromtimestamp(job.heartbeat_at, UTC)
        return job

    # Clients

    def claim(
        self, username: str, options: SyncOptions, session_user: str | None = None
    ) -> tuple[BoardJob, bool]:
        """Put a queued job for ``username`` on the board, or return its queued or running one.

        Returns the job and whether it is new (and its task must be sent)."""
        key = self._key(username)
        outcome: list[tuple[BoardJob, bool]] = []

        def attempt(pipe: Any) -> None:
            now = self._now()
            current = self._read(pipe.get(key), now)
            if current is not None and not current.finished:
                outcome.append((current, False))
                return
            job = BoardJob(
                username,
                options,
                progress=Progress(username),
                id=uuid.uuid4().hex,
                session_user=session_user,
                queued_at=datetime.fromtimestamp(now, UTC),
                heartbeat_at=now,
            )
            pipe.multi()
            pipe.set(key, _job_to_json(job), ex=KEEP_SECONDS)
            pipe.zadd(self._index, {username: now})
            outcome.append((job, True))

        self.redis.transaction(attempt, key, value_from_callable=False)
        return outcome[-1]

    def get(self, username: str) -> BoardJob | None:
        return self._read(self.redis.get(self._key(username)), self._now())

    def jobs(self, limit: int = 50) -> list[BoardJob]:
        """The latest job of each account, newest first."""
        names = [
            n.decode() if isinstance(n, bytes) else str(n)
            for n in self.redis.zrevrange(self._index, 0, limit - 1)
        ]
        if not names:
            return []
        now = self._now()
        found = [self._read(raw, now) for raw in self.redis.mget([self._key(n) for n in names])]
        gone = [n for n, job in zip(names, found, strict=True) if job is None]
        if gone:
            self.redis.zrem(self._index, *gone)
        return [job for job in found if job is not None]

    def request_cancel(self, job: BoardJob) -> None:
        self.redis.set(self._cancel_key(job.id), "1", ex=KEEP_SECONDS)

    # Workers

    def cancel_requested(self, job_id: str) -> bool:
        return bool(self.redis.exists(self._cancel_key(job_id)))

    def _update(self, job_id: str, username: str, change: Any) -> BoardJob | None:
        """Apply ``change(job)`` to the job if it is still ``job_id`` (a newer job of the account is left alone)."""
        key = self._key(username)
        updated: list[BoardJob] = []

        def attempt(pipe: Any) -> None:
            raw = pipe.get(key)
            if raw is None:
                return
            job = _job_from_json(raw)
            if job.id != job_id or change(job) is False:
                return
            pipe.multi()
            pipe.set(key, _job_to_json(job), ex=KEEP_SECONDS)
            updated.append(job)

        self.redis.transaction(attempt, key, value_from_callable=False)
        return updated[0] if updated else None

    def started(self, job_id: str, username: str, worker: str) -> BoardJob | None:
        now = self._now()

        def change(job: BoardJob) -> bool:
            if job.finished:  # a task delivered again after its job ended
                return False
            job.status, job.worker, job.heartbeat_at = SyncStatus.RUNNING, worker, now
            job.error = job.result = job.finished_at = None
            return True

        return self._update(job_id, username, change)

    def progress(self, job_id: str, username: str, progress: Progress) -> None:
        now = self._now()

        def change(job: BoardJob) -> None:
            job.progress, job.heartbeat_at = progress, now

        self._update(job_id, username, change)

    def heartbeat(self, job_id: str, username: str) -> None:
        now = self._now()

        def change(job: BoardJob) -> None:
            job.heartbeat_at = now

        self._update(job_id, username, change)

    def finish(
        self,
        job_id: str,
        username: str,
        status: SyncStatus,
        *,
        result: SyncResult | None = None,
        error: ScraperError | None = None,
    ) -> None:
        assert status in FINISHED
        now = self._now()

        def change(job: BoardJob) -> None:
            job.status, job.result, job.error = status, result, error
            job.finished_at, job.heartbeat_at = datetime.fromtimestamp(now, UTC), now
            if result is not None:
                job.progress = dataclasses.replace(job.progress, phase=SyncPhase.DONE)

        self._update(job_id, username, change)
        self.redis.delete(self._cancel_key(job_id))


def wait_for(board: JobBoard, username: str, job_id: str, timeout: float | None = None) -> BoardJob | None:
    """Poll the board until the job ``job_id`` of ``username`` has ended (None on timeout)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        job = board.get(username)
        if job is None or job.id != job_id or job.finished:
            return job
        if deadline is not None and time.monotonic() > deadline:
            return None
        time.sleep(0.2)
