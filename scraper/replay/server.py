"""The replay of Instagram's web answers about the fake accounts, for instaloader 4.16.

Nothing here reaches the network: ``InstagramReplay`` answers at the ``requests`` level (with the
``responses`` library), in the shapes that Instagram sends and instaloader 4.16 parses, so that
instaloader's own request and parsing code runs for real in tests and in the demo seeder. It sorts
the requests by kind, injects faults, and keeps the sessions of logins.
"""

from __future__ import annotations

import base64
import email.utils
import json
import random
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qsl, quote, urlsplit

import responses
from requests import PreparedRequest

from scraper.replay.accounts import FakeAccount, FakeComment, FakePost, _tok, find_comment
from scraper.replay.answers import (
    PAGE_LENGTH,
    _cursor,
    _iphone_user,
    _page,
    _page_info,
    _profile_query_user,
    _timeline_connection,
    _web_profile_info_user,
    comments_connection,
    iphone_child_comments,
    iphone_comments_page,
    media_item,
    profile_page_html,
    replies_connection,
    start_page_html,
)
from scraper.replay.cdn import _Asset, _assets, _crc, fake_mp4, render_jpeg

DOC_ID_POST = "27128499623469141"
DOC_ID_TIMELINE = "28904005159232689"
DOC_ID_TIMELINE_LOGGED_IN = "29104886249145907"
DOC_ID_PROFILE = "27937681195819736"
QUERY_HASH_TEST_LOGIN = "d6f4427fbe92d846298cf93df0b937d3"
QUERY_HASH_COMMENTS = "97b41c52301f77ce508f55e66d17620e"  # a post's comments (graphql/query, GET)
QUERY_HASH_COMMENT_REPLIES = "51fdd02b67508306ad4484ff574a0b62"  # a comment's replies
LOGIN_PAGE = "https://www.instagram.com/accounts/login/"
API_HOSTS = frozenset({"www.instagram.com", "i.instagram.com"})
KINDS = (
    "profile_page", "start_page", "post", "timeline", "timeline_logged_in", "profile_query",
    "profile_info_iphone", "web_profile_info", "media_info_iphone", "location", "login", "two_factor",
    "test_login", "comments", "comment_replies", "comments_iphone", "child_comments_iphone", "cdn",
    "profile_pic", "other",
)  # fmt: skip
_JSON = "application/json; charset=utf-8"
_HTML = "text/html; charset=utf-8"

Response = tuple[int, list[tuple[str, str]], bytes | str]
_LOCAL = re.compile(r"https?://(127\.0\.0\.1|localhost)[:/]")
_NOT_LOCAL = re.compile(r"(?!https?://(127\.0\.0\.1|localhost)[:/]).*")


@dataclass
class ReplayCall:
    """One request that the replay saw."""

    method: str
    url: str
    kind: str
    status: int | None  # None when the request raised an exception
    logged_in: bool = False
    variables: dict[str, Any] | None = None
    error: str | None = None

    @property
    def host(self) -> str:
        """The host the request went to."""
        return urlsplit(self.url).hostname or ""


@dataclass
class _Fault:
    kind: str
    status: int | None
    body: str | bytes | None
    exception: Exception | None
    headers: dict[str, str] | None
    after: int
    times: int | None
    match: Callable[[PreparedRequest], bool] | None
    seen: int = 0
    fired: int = 0


@dataclass
class _Session:
    login: str
    user_id: int


def _fresh(exc: Exception) -> Exception:
    """A new instance of the exception, so that raising it again does not pile up tracebacks."""
    try:
        return type(exc)(*exc.args)
    except Exception:
        return exc


def _cookies(request: PreparedRequest) -> dict[str, str]:
    """The request's cookies; of a repeated name (instaloader sends empty placeholders) the last non-empty."""
    out: dict[str, str] = {}
    for part in str(request.headers.get("Cookie") or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name and (value or name not in out):
            out[name] = value
    return out


def _json(status: int, payload: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    return status, [("Content-Type", _JSON), *(headers or [])], json.dumps(payload)


def _first(variables: dict[str, Any]) -> int:
    """The page length a GraphQL query asks for (instaloader: 12)."""
    try:
        return max(1, min(int(variables.get("first") or PAGE_LENGTH), 50))
    except (TypeError, ValueError):
        return PAGE_LENGTH


def _set_cookie(name: str, value: str, max_age: int = 31449600) -> tuple[str, str]:
    return "Set-Cookie", f"{name}={value}; Domain=.instagram.com; Max-Age={max_age}; Path=/; Secure"


class InstagramReplay:
    """Replays Instagram for the given accounts with responses.RequestsMock.

    It never asserts that all requests were fired, and answers from callbacks, so changes to the
    accounts after start show up in later answers.
    """

    def __init__(
        self,
        accounts: Iterable[FakeAccount] = (),
        *,
        users: dict[str, str] | None = None,
        two_factor: dict[str, str] | None = None,
        anonymous_page_limit: int | None = None,
    ) -> None:
        self.accounts: dict[str, FakeAccount] = {}
        for account in accounts:
            self.add_account(account)
        self.users = dict(users or {})
        self.two_factor = dict(two_factor or {})
        self.anonymous_page_limit = anonymous_page_limit
        self.calls: list[ReplayCall] = []
        self._faults: list[_Fault] = []
        self._sessions: dict[str, _Session] = {}
        self._pending_2fa: dict[str, str] = {}
        self._assets: dict[str, _Asset] = {}
        self._serial = 0
        self._lock = threading.RLock()
        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        # One catch-all callback per method: responses pops the first of several matching entries.
        # Requests to this machine (a test's own HTTP server, e.g. a webhook) are not Instagram's: they
        # go through.
        for method in ("GET", "POST", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"):
            self._mock.add_callback(method, _NOT_LOCAL, callback=cast(Any, self._callback))
        self._mock.add_passthru(_LOCAL)

    # -- set-up -----------------------------------------------------------------------------------

    def add_account(self, account: FakeAccount) -> None:
        """Serve this account (replacing one of the same username)."""
        self.accounts[account.username.lower()] = account

    def remove_account(self, username: str) -> None:
        """Stop serving the account, as if it had been deleted or renamed."""
        self.accounts.pop(username.lower(), None)

    def start(self) -> None:
        """Start intercepting requests."""
        self._mock.start()

    def stop(self) -> None:
        """Stop intercepting requests."""
        self._mock.stop(allow_assert=False)

    def __enter__(self) -> InstagramReplay:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- observation and control ------------------------------------------------------------------

    def count(self, kind: str | None = None) -> int:
        """Number of requests seen of that kind (all if None)."""
        return sum(1 for c in self.calls if kind is None or c.kind == kind)

    def counts(self) -> dict[str, int]:
        """Number of requests seen, by kind."""
        out: dict[str, int] = {}
        for call in self.calls:
            out[call.kind] = out.get(call.kind, 0) + 1
        return out

    @property
    def api_requests(self) -> int:
        """Requests to www.instagram.com and i.instagram.com (not the CDN)."""
        return sum(1 for c in self.calls if c.host in API_HOSTS)

    def reset_calls(self) -> None:
        """Forget the requests seen so far."""
        with self._lock:
            self.calls.clear()

    def fail(
        self,
        kind: str,
        *,
        status: int | None = None,
        body: str | bytes | None = None,
        exception: Exception | None = None,
        headers: dict[str, str] | None = None,
        after: int = 0,
        times: int | None = 1,
        match: Callable[[PreparedRequest], bool] | None = None,
    ) -> None:
        """Fault injection: the requests of `kind` number after+1 .. after+times answer with this status/body.

        Or they raise the exception, e.g. requests.ConnectionError / requests.ReadTimeout. Requests are
        counted from this call on (only those that `match`, if given); times=None = forever.
        """
        if kind not in KINDS:
            raise ValueError(f"unknown request kind {kind!r}")
        with self._lock:
            self._faults.append(_Fault(kind, status, body, exception, headers, after, times, match))

    def clear_faults(self) -> None:
        """Drop all injected faults."""
        with self._lock:
            self._faults.clear()

    def expire_sessions(self) -> None:
        """Forget every login: their session cookies now get redirected to the login page."""
        with self._lock:
            self._sessions.clear()

    def make_session(self, login: str) -> dict[str, str]:
        """Cookies of a fresh valid session of that login, as ``Instaloader.load_session`` takes them."""
        return dict(self._new_session(login)[0])

    # -- the request handler ----------------------------------------------------------------------

    def _callback(self, request: PreparedRequest) -> Response | Exception:
        parts = urlsplit(request.url or "")
        host = parts.hostname or ""
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        raw = request.body
        body = raw.decode() if isinstance(raw, bytes) else str(raw or "")
        form = dict(parse_qsl(body, keep_blank_values=True)) if request.method == "POST" else {}
        params = form or query
        variables: dict[str, Any] | None = None
        if "variables" in params:
            try:
                variables = json.loads(params["variables"])
            except ValueError:
                variables = None
        method = request.method or "GET"
        with self._lock:
            kind = self._classify(method, host, parts.path, params)
            session = self._session_of(request)
            call = ReplayCall(method, request.url or "", kind, None, session is not None, variables)
            self.calls.append(call)
            fault = self._fault_for(kind, request)
            if fault is not None:
                if fault.exception is not None:
                    call.error = repr(fault.exception)
                    return _fresh(fault.exception)
                result = self._fault_response(fault, host)
            else:
                result = self._answer(
                    kind, request, method, host, parts.path, params, variables or {}, session
                )
            call.status = result[0]
            return result

    def _classify(self, method: str, host: str, path: str, params: dict[str, str]) -> str:
        if host == "www.instagram.com":
            doc_id = params.get("doc_id")
            if method == "POST" and path in (
                "/api/graphql",
                "/api/graphql/",
                "/graphql/query",
                "/graphql/query/",
            ):
                return {
                    DOC_ID_POST: "post",
                    DOC_ID_TIMELINE: "timeline",
                    DOC_ID_TIMELINE_LOGGED_IN: "timeline_logged_in",
                    DOC_ID_PROFILE: "profile_query",
                }.get(doc_id or "", "other")
            if method == "GET" and path.rstrip("/") == "/graphql/query":
                return {
                    QUERY_HASH_TEST_LOGIN: "test_login",
                    QUERY_HASH_COMMENTS: "comments",
                    QUERY_HASH_COMMENT_REPLIES: "comment_replies",
                }.get(params.get("query_hash") or "", "other")
            if method == "GET" and path == "/":
                return "start_page"
            if method == "POST" and path == "/api/v1/web/accounts/login/ajax/":
                return "login"
            if method == "POST" and path == "/accounts/login/ajax/two_factor/":
                return "two_factor"
            if method == "GET" and path == "/api/v1/users/web_profile_info/":
                return "web_profile_info"
            if method == "GET" and re.fullmatch(r"/explore/locations/\d+/", path):
                return "location"
            if method == "GET" and re.fullmatch(r"/[A-Za-z0-9._]{1,30}/", path):
                return "profile_page"
            return "other"
        if host == "i.instagram.com" and method == "GET":
            if re.fullmatch(r"/api/v1/users/\d+/info/", path):
                return "profile_info_iphone"
            if re.fullmatch(r"/api/v1/media/\d+/info/", path):
                return "media_info_iphone"
            if re.fullmatch(r"/api/v1/media/\d+/comments/", path):
                return "comments_iphone"
            if re.fullmatch(r"/api/v1/media/\d+/comments/\d+/child_comments/", path):
                return "child_comments_iphone"
            return "other"
        if host.endswith((".cdninstagram.com", ".fbcdn.net")):
            asset = self._asset(path)
            return "profile_pic" if asset is not None and asset.kind == "profile_pic" else "cdn"
        return "other"

    def _session_of(self, request: PreparedRequest) -> _Session | None:
        """The valid session a request carries, in its cookies or (iPhone API) its bearer token."""
        sessionid = _cookies(request).get("sessionid", "")
        auth = str(request.headers.get("authorization") or "")
        if not sessionid and auth.startswith("Bearer IGT:2:"):
            try:
                sessionid = json.loads(base64.b64decode(auth[len("Bearer IGT:2:") :])).get("sessionid", "")
            except ValueError:
                sessionid = ""
        return self._sessions.get(sessionid)

    def _presents_session(self, request: PreparedRequest) -> bool:
        """Whether the request carries any sessionid (valid or not)."""
        return bool(_cookies(request).get("sessionid")) or "authorization" in request.headers

    def _fault_for(self, kind: str, request: PreparedRequest) -> _Fault | None:
        chosen = None
        for fault in self._faults:
            if fault.kind != kind or (fault.match is not None and not fault.match(request)):
                continue
            fault.seen += 1
            if (
                chosen is None
                and fault.seen > fault.after
                and (fault.times is None or fault.fired < fault.times)
            ):
                fault.fired += 1
                chosen = fault
        return chosen

    def _fault_response(self, fault: _Fault, host: str) -> Response:
        # Without a status: 200 if a body is given (a malformed answer), else 500.
        status = fault.status or (500 if fault.body is None else 200)
        headers = list((fault.headers or {}).items())
        if fault.body is not None:
            if not any(k.lower() == "content-type" for k, _ in headers):
                text = fault.body.decode(errors="replace") if isinstance(fault.body, bytes) else fault.body
                headers.append(("Content-Type", _JSON if text.lstrip()[:1] in ("{", "[") else "text/plain"))
            return status, headers, fault.body
        if host not in API_HOSTS:
            return status, [("Content-Type", "text/plain"), *headers], f"{status} error"
        # As Instagram words them; a 400 with "checkpoint_required" (pass it as body) aborts instaloader.
        messages = {
            429: "Please wait a few minutes before you try again.",
            401: "Please wait a few minutes before you try again.",
            403: "login_required",
        }
        payload: dict[str, Any] = {
            "message": messages.get(status, "Sorry, something went wrong"),
            "status": "fail",
        }
        if status in (401, 403, 429):
            payload["require_login"] = True
        return _json(status, payload, headers)

    def _login_redirect(self, path: str) -> Response:
        return 302, [("Location", f"{LOGIN_PAGE}?next={quote(path)}"), ("Content-Type", _HTML)], ""

    def _account_by(
        self,
        *,
        username: str | None = None,
        user_id: str | int | None = None,
        page_id: str | None = None,
        media_pk: int | None = None,
        shortcode: str | None = None,
    ) -> tuple[FakeAccount, FakePost | None] | None:
        for account in self.accounts.values():
            if username is not None and account.username == username.lower():
                return account, None
            if user_id is not None and str(account.user_id) == str(user_id):
                return account, None
            if page_id is not None and account.page_id == str(page_id):
                return account, None
            for post in account.posts if media_pk is not None or shortcode is not None else ():
                if post.pk == media_pk or post.shortcode == shortcode:
                    return account, post
        return None

    def _visible(self, account: FakeAccount, session: _Session | None) -> bool:
        """Whether the viewer may see the account's posts."""
        if not account.is_private:
            return True
        return session is not None and (
            session.login in account.followed_by or session.login.lower() == account.username
        )

    def _answer(
        self,
        kind: str,
        request: PreparedRequest,
        method: str,
        host: str,
        path: str,
        params: dict[str, str],
        variables: dict[str, Any],
        session: _Session | None,
    ) -> Response:
        handler = getattr(self, f"_on_{kind}")
        return handler(
            request=request,
            method=method,
            host=host,
            path=path,
            params=params,
            variables=variables,
            session=session,
        )

    # -- handlers, one per kind -------------------------------------------------------------------

    def _on_other(self, *, host: str, **_: Any) -> Response:
        if host in API_HOSTS:
            return (
                404,
                [("Content-Type", _HTML)],
                "<!DOCTYPE html><html><title>Page not found • Instagram</title></html>",
            )
        return 404, [("Content-Type", "text/plain")], "Not Found"

    def _next_token(self, prefix: str, n: int) -> str:
        self._serial += 1
        return prefix + _tok(random.Random(f"{prefix}|{self._serial}"), n)

    def _on_start_page(self, *, request: PreparedRequest, session: _Session | None, **_: Any) -> Response:
        headers = [("Content-Type", _HTML)]
        if not _cookies(request).get("csrftoken"):
            headers.append(_set_cookie("csrftoken", self._next_token("", 32)))
        lsd = self._next_token("AV", 9)
        if session is None:
            return 200, headers, start_page_html(lsd=lsd)
        dtsg = self._next_token("NAc", 40) + f":17843{session.user_id % 10**11:011d}:1731000000"
        return 200, headers, start_page_html(lsd=lsd, dtsg=dtsg, user_id=session.user_id)

    def _on_profile_page(self, *, path: str, **_: Any) -> Response:
        found = self._account_by(username=path.strip("/"))
        if found is None:
            return (
                404,
                [("Content-Type", _HTML)],
                (
                    "<!DOCTYPE html><html><head><title>Página no encontrada • "
                    "Instagram</title></head><body></body></html>"
                ),
            )
        return 200, [("Content-Type", _HTML)], profile_page_html(found[0], lsd=self._next_token("AV", 9))

    def _is_web_api(self, path: str) -> bool:
        return path.startswith("/api/graphql")

    def _graphql(self, path: str, data: dict[str, Any]) -> Response:
        """A GraphQL answer: api/graphql carries no status, graphql/query does."""
        if self._is_web_api(path):
            return _json(200, {"data": data, "extensions": {"is_final": True}})
        return _json(200, {"data": data, "status": "ok"})

    def _needs_session(self, path: str, session: _Session | None) -> bool:
        """The legacy graphql/query endpoint serves logged-in sessions only."""
        return not self._is_web_api(path) and session is None

    def _on_post(
        self, *, path: str, variables: dict[str, Any], session: _Session | None, **_: Any
    ) -> Response:
        if self._needs_session(path, session):
            return self._login_redirect(path)
        found = self._account_by(shortcode=str(variables.get("shortcode")))
        items: list[dict[str, Any]] = []
        if found is not None and found[1] is not None and self._visible(found[0], session):
            items = [media_item(found[0], found[1], viewer=session.login if session else None)]
        return self._graphql(path, {"xdt_api__v1__media__shortcode__web_info": {"items": items}})

    def _on_timeline(
        self, *, path: str, variables: dict[str, Any], session: _Session | None, **_: Any
    ) -> Response:
        found = self._account_by(page_id=str(variables.get("id")))
        if found is None:
            return self._graphql(path, {"node": None})
        account = found[0]
        if not self._visible(account, session):
            return self._graphql(
                path,
                {
                    "node": {
                        "id": account.page_id,
                        "polaris_ordered_timeline_connection": {
                            "edges": [],
                            "page_info": _page_info(account, [], False),
                        },
                    }
                },
            )
        page, start, more = _page(account, variables.get("after"), int(variables.get("first") or PAGE_LENGTH))
        limit = self.anonymous_page_limit
        if session is None and limit is not None and start // PAGE_LENGTH + 1 > limit:
            return _json(403, {"message": "login_required", "require_login": True, "status": "fail"})
        connection = _timeline_connection(account, page, more)
        return self._graphql(
            path,
            {
                "node": {
                    "__typename": "XDTUserDict",
                    "id": account.page_id,
                    "polaris_ordered_timeline_connection": connection,
                }
            },
        )

    def _on_timeline_logged_in(
        self, *, path: str, variables: dict[str, Any], session: _Session | None, **_: Any
    ) -> Response:
        if session is None:
            return self._login_redirect(path)
        found = self._account_by(username=str(variables.get("username")))
        key = "xdt_api__v1__feed__user_timeline_graphql_connection"
        if found is None:
            return self._graphql(path, {key: None})
        account = found[0]
        if not self._visible(account, session):
            return self._graphql(path, {key: {"edges": [], "page_info": _page_info(account, [], False)}})
        page, _start, more = _page(
            account, variables.get("after"), int(variables.get("first") or PAGE_LENGTH)
        )
        edges = [
            {"node": media_item(account, p, viewer=session.login), "cursor": _cursor(account, p)}
            for p in page
        ]
        return self._graphql(path, {key: {"edges": edges, "page_info": _page_info(account, page, more)}})

    def _on_profile_query(
        self, *, path: str, variables: dict[str, Any], session: _Session | None, **_: Any
    ) -> Response:
        if session is None:
            return self._login_redirect(path)
        found = self._account_by(user_id=str(variables.get("id")))
        user = _profile_query_user(found[0], session.login) if found else None
        return self._graphql(path, {"user": user})

    def _on_test_login(
        self, *, request: PreparedRequest, path: str, session: _Session | None, **_: Any
    ) -> Response:
        if session is None:
            if self._presents_session(request):
                return self._login_redirect(path)
            return _json(200, {"data": {"user": None}, "status": "ok"})
        found = self._account_by(user_id=session.user_id)
        user = {
            "id": str(session.user_id),
            "username": session.login,
            "full_name": found[0].full_name if found else "",
            "is_private": False,
            "profile_pic_url": found[0].profile_pic_url if found else "",
        }
        return _json(200, {"data": {"user": user}, "status": "ok"})

    def _on_web_profile_info(self, *, params: dict[str, str], **_: Any) -> Response:
        found = self._account_by(username=params.get("username", ""))
        if found is None:
            return _json(404, {"message": "User not found", "status": "fail"})
        return _json(200, {"data": {"user": _web_profile_info_user(found[0])}, "status": "ok"})

    def _on_profile_info_iphone(self, *, path: str, session: _Session | None, **_: Any) -> Response:
        if session is None:
            return self._login_redirect(path)
        found = self._account_by(user_id=path.split("/")[4])
        if found is None:
            return _json(404, {"message": "User not found", "status": "fail"})
        return _json(200, {"user": _iphone_user(found[0]), "status": "ok"})

    def _on_media_info_iphone(self, *, path: str, session: _Session | None, **_: Any) -> Response:
        if session is None:
            return self._login_redirect(path)
        found = self._account_by(media_pk=int(path.split("/")[4]))
        if found is None or found[1] is None or not self._visible(found[0], session):
            return _json(400, {"message": "Media not found or unavailable", "status": "fail"})
        item = media_item(found[0], found[1], viewer=session.login, rest=True)
        return _json(
            200,
            {
                "items": [item],
                "num_results": 1,
                "more_available": False,
                "auto_load_more_enabled": False,
                "status": "ok",
            },
        )

    def _visible_post(
        self, *, media_pk: int | None = None, shortcode: str | None = None, session: _Session | None
    ) -> tuple[FakeAccount, FakePost] | None:
        found = self._account_by(media_pk=media_pk, shortcode=shortcode)
        if found is None or found[1] is None or not self._visible(found[0], session):
            return None
        return found[0], found[1]

    def _on_comments(
        self, *, path: str, variables: dict[str, Any], session: _Session | None, **_: Any
    ) -> Response:
        if session is None:
            return self._login_redirect(path)
        found = self._visible_post(shortcode=str(variables.get("shortcode")), session=session)
        media = None
        if found is not None:
            connection = comments_connection(*found, _first(variables), variables.get("after"))
            media = {"edge_media_to_parent_comment": connection}
        return self._graphql(path, {"shortcode_media": media})

    def _on_comment_replies(
        self, *, path: str, variables: dict[str, Any], session: _Session | None, **_: Any
    ) -> Response:
        if session is None:
            return self._login_redirect(path)
        comment_id = str(variables.get("comment_id"))
        found = None
        for account in self.accounts.values():
            hit = find_comment(account, int(comment_id)) if comment_id.isdigit() else None
            if hit is not None and self._visible(account, session):
                found = account, hit[1]
        data = None
        if found is not None:
            replies = replies_connection(*found, _first(variables), variables.get("after"))
            data = {"id": comment_id, "edge_threaded_comments": replies}
        return self._graphql(path, {"comment": data})

    def _on_comments_iphone(
        self, *, path: str, params: dict[str, str], session: _Session | None, **_: Any
    ) -> Response:
        if session is None:
            return self._login_redirect(path)
        found = self._visible_post(media_pk=int(path.split("/")[4]), session=session)
        if found is None:
            return _json(400, {"message": "Media not found or unavailable", "status": "fail"})
        return _json(200, iphone_comments_page(*found, params.get("min_id") or None))

    def _on_child_comments_iphone(self, *, path: str, session: _Session | None, **_: Any) -> Response:
        if session is None:
            return self._login_redirect(path)
        parts = path.split("/")
        found = self._visible_post(media_pk=int(parts[4]), session=session)
        comment: FakeComment | None = None
        if found is not None:
            hit = find_comment(found[0], int(parts[6]))
            comment = hit[1] if hit is not None and hit[0] is found[1] else None
        if found is None or comment is None:
            return _json(400, {"message": "Media or comment not found", "status": "fail"})
        return _json(200, iphone_child_comments(*found, comment))

    def _on_location(self, *, path: str, session: _Session | None, **_: Any) -> Response:
        if session is None:
            return self._login_redirect(path)
        loc_id = int(path.split("/")[3])
        for account in self.accounts.values():
            for post in account.posts:
                if post.location and post.location["pk"] == loc_id:
                    loc = post.location
                    info = {
                        "location_id": str(loc_id),
                        "name": loc["name"],
                        "lat": loc["lat"],
                        "lng": loc["lng"],
                        "slug": re.sub(r"[^a-z0-9]+", "-", loc["name"].lower()).strip("-"),
                        "has_public_page": True,
                        "location_address": "",
                        "location_city": "",
                    }
                    return _json(200, {"native_location_data": {"location_info": info}, "status": "ok"})
        return _json(404, {"message": "Location not found", "status": "fail"})

    def _new_session(self, login: str) -> tuple[list[tuple[str, str]], int]:
        found = self._account_by(username=login)
        user_id = found[0].user_id if found else 10**9 + _crc(login.lower()) % (5 * 10**10)
        self._serial += 1
        sessionid = f"{user_id}%3A{_tok(random.Random(f'{login}|{self._serial}'), 14)}%3A{self._serial % 30}"
        self._sessions[sessionid] = _Session(login, user_id)
        cookies = [
            ("sessionid", sessionid),
            ("ds_user_id", str(user_id)),
            ("csrftoken", self._next_token("", 32)),
            ("mid", self._next_token("Z", 27)),
        ]
        return cookies, user_id

    def _logged_in(self, login: str) -> Response:
        cookies, user_id = self._new_session(login)
        body = {
            "user": True,
            "userId": str(user_id),
            "authenticated": True,
            "oneTapPrompt": True,
            "status": "ok",
        }
        return _json(200, body, [_set_cookie(k, v) for k, v in cookies])

    def _on_login(self, *, request: PreparedRequest, params: dict[str, str], **_: Any) -> Response:
        if not request.headers.get("X-CSRFToken"):
            return _json(403, {"message": "CSRF token missing or incorrect", "status": "fail"})
        login = params.get("username", "")
        password = params.get("enc_password", "").split(":", 3)[-1]
        if login not in self.users:
            return _json(200, {"user": False, "authenticated": False, "status": "ok"})
        if self.users[login] != password:
            return _json(
                200, {"user": True, "authenticated": False, "showAccountRecoveryModal": False, "status": "ok"}
            )
        if login in self.two_factor:
            identifier = self._next_token("", 40)
            self._pending_2fa[identifier] = login
            info = {
                "username": login,
                "two_factor_identifier": identifier,
                "totp_two_factor_on": True,
                "sms_two_factor_on": False,
                "whatsapp_two_factor_on": False,
                "obfuscated_phone_number": "",
                "show_messenger_code_option": False,
                "show_new_login_screen": True,
            }
            return _json(
                400,
                {
                    "message": "",
                    "two_factor_required": True,
                    "two_factor_info": info,
                    "status": "fail",
                    "error_type": "two_factor_required",
                },
            )
        return self._logged_in(login)

    def _on_two_factor(self, *, params: dict[str, str], **_: Any) -> Response:
        login = self._pending_2fa.get(params.get("identifier", ""))
        if login is None or login != params.get("username"):
            return _json(
                400,
                {
                    "message": "Please check the code we sent you and try again.",
                    "status": "fail",
                    "error_type": "invalid_identifier",
                },
            )
        if params.get("verificationCode") != self.two_factor.get(login):
            return _json(
                400,
                {
                    "message": "Please check the security code and try again.",
                    "status": "fail",
                    "error_type": "invalid_verification_code",
                },
            )
        del self._pending_2fa[params["identifier"]]
        return self._logged_in(login)

    def _asset(self, path: str) -> _Asset | None:
        asset = self._assets.get(path)
        if asset is None:
            self._assets = _assets(self.accounts.values())
            asset = self._assets.get(path)
        elif asset.kind == "profile_pic":
            # The picture's url may have been edited in place: recompute its seed and date.
            self._assets = _assets(self.accounts.values())
            asset = self._assets.get(path, asset)
        return asset

    def _cdn(self, *, method: str, path: str, **_: Any) -> Response:
        asset = self._asset(path)
        if asset is None:
            return 404, [("Content-Type", "text/plain")], "URL signature mismatch"
        if asset.kind == "video":
            data, content_type = fake_mp4(asset.seed, asset.size), "video/mp4"
        else:
            data = render_jpeg(
                asset.width, asset.height, asset.seed, 96 if asset.kind == "profile_pic" else 128
            )
            content_type = "image/jpeg"
        headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(len(data))),
            ("Last-Modified", email.utils.formatdate(asset.modified, usegmt=True)),
            ("Cache-Control", "max-age=1209600, no-transform"),
            ("Accept-Ranges", "bytes"),
        ]
        return 200, headers, b"" if method == "HEAD" else data

    _on_cdn = _cdn
    _on_profile_pic = _cdn
