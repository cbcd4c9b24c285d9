"""The Octopus REST client octoflow is built on.

Safe to share between threads: each thread gets its own ``requests.Session``
(the requests maintainers' advice), while the throttle, the request counter and
the resolved space are shared. Every failure leaves as an octoflow error.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import email.utils
import logging
import random
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar
from urllib.parse import urlsplit

import attrs
import requests
from requests.adapters import BaseAdapter, HTTPAdapter

from octoflow import errors
from octoflow.client import prepared
from octoflow.client.auth import ApiKeyAuth, BearerAuth, KeySafeSession
from octoflow.client.capabilities import ServerCapabilities
from octoflow.client.throttle import Clock, Throttle
from octoflow.client.translate import error_from_response, error_from_transport
from octoflow.config import Connection
from octoflow.registry import unknown_name_message

log = logging.getLogger("octoflow.client")

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({500, 502, 503, 504})
#: How many ids go into one ``?ids=`` request (keeps URLs well under 2 KB).
IDS_PER_REQUEST = 100
PAGE_SIZE = 500
TAKE_ALL = 2147483647
_SPACE_ID = re.compile(r"^Spaces-\d+$", re.IGNORECASE)
T = TypeVar("T")
R = TypeVar("R")


class OctopusClient:
    """Talks to one Octopus server, in one space.

    :param connection: server URL, credentials and space (name or id).
    :param adapter: a requests adapter to mount instead of the network one
        (the in-process sandbox uses this).
    :param max_per_minute: cap on requests per minute across all threads.
    :param timeout: seconds to wait for each response.
    :param retries: extra attempts for idempotent requests on 5xx and dropped
        connections, and for any request answered 429.
    :param clock: where waits take their time (tests pass a virtual one).
    """

    def __init__(
        self,
        connection: Connection,
        adapter: BaseAdapter | None = None,
        max_per_minute: float | None = None,
        timeout: float = 60.0,
        retries: int = 4,
        backoff_seconds: float = 0.5,
        pool_size: int = 16,
        clock: Clock | None = None,
    ) -> None:
        self.connection = connection
        self.timeout = timeout
        self.retries = retries
        self.backoff_seconds = backoff_seconds
        self.throttle = Throttle(max_per_minute, clock)
        self._adapter = adapter
        self._pool_size = pool_size
        self._local = threading.local()
        self._count_lock = threading.Lock()
        self._space_lock = threading.Lock()
        self._request_count = 0
        self._space_id: str | None = None
        self._root: dict[str, Any] | None = None

    def for_space(self, space: str) -> OctopusClient:
        """A client of the same server in another space, sharing this one's rate limits."""
        other = OctopusClient(
            attrs.evolve(self.connection, space=space),
            self._adapter,
            None,
            self.timeout,
            self.retries,
            self.backoff_seconds,
            self._pool_size,
        )
        other.throttle = self.throttle
        other._root = self._root
        return other

    # -- counting ------------------------------------------------------------

    @property
    def request_count(self) -> int:
        """Requests sent so far (each retry counts), for reports and benchmarks."""
        return self._request_count

    # -- server and space ----------------------------------------------------

    def root(self) -> dict[str, Any]:
        """The ``/api`` root document (cached); proves the URL is an Octopus server."""
        if self._root is None:
            try:
                doc = self.request("GET", "/api")
            except errors.NotFoundError:
                doc = None
            if not isinstance(doc, dict) or "Version" not in doc:
                raise errors.UsageError(
                    f"{self.connection.url}/api did not answer with an Octopus root "
                    "document; check the server URL"
                )
            self._root = doc
        return self._root

    @property
    def capabilities(self) -> ServerCapabilities:
        """The server's version and root links, from :meth:`root`."""
        return ServerCapabilities.from_root(self.root())

    @property
    def space_id(self) -> str:
        """The id of the space to work in, resolved once from a name, slug or id."""
        if self._space_id is None:
            with self._space_lock:
                if self._space_id is None:
                    self._space_id = self._resolve_space(self.connection.space)
        return self._space_id

    def _resolve_space(self, wanted: str | None) -> str:
        if wanted is not None and not wanted.strip():
            raise errors.UsageError("the space is empty: name a space, or none for the default")
        self.root()
        spaces = self.request("GET", "/api/spaces/all")
        if wanted is None:
            default = [s for s in spaces if s.get("IsDefault")]
            if not default:
                raise errors.UsageError("the server has no default space; pass --space")
            return str(default[0]["Id"])
        for space in spaces:
            names = {str(space.get(k, "")).lower() for k in ("Id", "Name", "Slug")}
            if wanted.lower() in names:
                return str(space["Id"])
        hint = unknown_name_message("space", wanted, [s["Name"] for s in spaces])
        raise errors.UsageError(f"{hint} (spaces are looked up by name, slug or id)")

    def space_path(self, path: str) -> str:
        """``/api/{spaceId}/<path>`` for a path relative to the space."""
        return f"/api/{self.space_id}/{path.lstrip('/')}"

    # -- reading -------------------------------------------------------------

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def list_all(self, path: str, params: dict[str, Any] | None = None) -> list[Any]:
        """Every item of a collection, following pages to the end.

        Never stops at the server's default page size of 30: it asks for large
        pages and keeps going until ``TotalResults`` items (or no ``Page.Next``).
        """
        return list(self.iter_pages(path, params))

    def iter_pages(
        self, path: str, params: dict[str, Any] | None = None, page_size: int = PAGE_SIZE
    ) -> Iterator[Any]:
        """Items of a paged collection, one page request at a time."""
        skip = 0
        while True:
            page = self.get(path, {**(params or {}), "skip": skip, "take": page_size})
            items = page.get("Items") or []
            yield from items
            skip += len(items)
            total = page.get("TotalResults")
            more = "Page.Next" in (page.get("Links") or {})
            if not items or (total is not None and skip >= total) or (total is None and not more):
                return

    def get_many(self, path: str, ids: Sequence[str], workers: int = 1) -> list[Any]:
        """The documents with these ids, in batches of ``IDS_PER_REQUEST`` per request,
        ``workers`` requests at once."""
        chunks = [list(ids[i : i + IDS_PER_REQUEST]) for i in range(0, len(ids), IDS_PER_REQUEST)]

        def page(chunk: list[str]) -> list[Any]:
            return self.get(path, {"ids": ",".join(chunk), "take": len(chunk)}).get("Items") or []

        return [doc for items in self.map(page, chunks, workers) for doc in items]

    def map(self, call: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
        """``call`` on each item, ``workers`` at once (each thread has its own session),
        results in the order of ``items``."""
        if workers <= 1 or len(items) <= 1:
            return [call(item) for item in items]
        with cf.ThreadPoolExecutor(min(workers, len(items)), "octoflow-read") as pool:
            return list(pool.map(call, items))

    # -- the one request path -----------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        """Send one request (with retries) and return the parsed JSON body, or None."""
        url = self.connection.url + path
        attempt = 0
        while True:
            sent_at = self.throttle.wait_turn()
            response = None
            try:
                response = self._send_once(method, url, params, json, attempt)
            finally:
                self.throttle.finished(None if response is None else response.headers, sent_at)
            if response is not None:
                log.debug("%s %s -> %s", method, path, response.status_code)
                if response.status_code != 429 and response.status_code < 500:
                    self.throttle.answered(sent_at)
            if response is not None and response.status_code < 400:
                return _body(response)
            wait = self._retry_wait(method, response, attempt, sent_at)
            if wait is None:
                raise error_from_response(response, method, _display(url))  # type: ignore[arg-type]
            attempt += 1
            log.info("retrying %s %s (attempt %d)", method, path, attempt + 1)
            self.throttle.sleep(wait)

    def _send_once(
        self, method: str, url: str, params: Any, json: Any, attempt: int
    ) -> requests.Response | None:
        """One HTTP exchange; ``None`` means a retryable dropped connection."""
        with self._count_lock:
            self._request_count += 1
        try:
            return prepared.send(self._session(), method, url, params, json, self.timeout)
        except requests.RequestException as exc:
            if self._may_retry_transport(method, exc, attempt):
                self.throttle.sleep(self._backoff(attempt))
                return None
            raise error_from_transport(exc, method, _display(url)) from None

    def _may_retry_transport(self, method: str, exc: Exception, attempt: int) -> bool:
        if attempt >= self.retries:
            return False
        if isinstance(exc, requests.exceptions.SSLError):
            return False  # the same handshake fails the same way again
        if method in IDEMPOTENT:
            return isinstance(exc, (requests.ConnectionError, requests.Timeout))
        return isinstance(exc, requests.exceptions.ConnectTimeout)

    def _retry_wait(
        self, method: str, response: requests.Response | None, attempt: int, sent_at: float
    ) -> float | None:
        """Seconds this thread waits before retrying (pauses for all threads go to the
        throttle), or ``None`` when the error is final."""
        if response is None:
            return 0.0
        status = response.status_code
        if attempt >= self.retries:
            return None
        retry_after = _retry_after_seconds(response)
        if status == 429:
            self.throttle.rate_limited(retry_after, sent_at)
            return 0.0
        if status in RETRY_STATUSES and method in IDEMPOTENT:
            if retry_after is not None:
                self.throttle.server_said_wait(retry_after)
                return 0.0
            return self._backoff(attempt)
        return None

    def _backoff(self, attempt: int) -> float:
        return min(30.0, self.backoff_seconds * 2**attempt) * random.uniform(0.8, 1.2)

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = KeySafeSession()
            session.headers.update({"Accept": "application/json", "User-Agent": "octoflow"})
            session.verify = self.connection.verify_tls
            if self.connection.api_key:
                session.auth = ApiKeyAuth(self.connection.api_key)
            elif self.connection.access_token:
                session.auth = BearerAuth(self.connection.access_token)
            adapter = self._adapter or HTTPAdapter(
                pool_connections=2, pool_maxsize=self._pool_size, max_retries=0
            )
            session.mount(self.connection.url, adapter)
            _read_environment_once(session, self.connection.url)
            self._local.session = session
        return session


def _read_environment_once(session: requests.Session, url: str) -> None:
    """Take the proxies and CA bundle requests would read from the environment
    (``HTTPS_PROXY``, ``NO_PROXY``, ``REQUESTS_CA_BUNDLE``, …) for the server's URL
    now, instead of on every request: the lookup cost a busy apply a millisecond of
    CPU per request, and the URL never changes."""
    found = session.merge_environment_settings(url, {}, None, session.verify, None)
    session.trust_env = False
    session.proxies.update(found["proxies"])
    session.verify = found["verify"]


def _body(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def _retry_after_seconds(response: requests.Response) -> float | None:
    """``Retry-After`` as seconds: a number of seconds, or an HTTP date (counted from the
    response's ``Date`` header when it has one, so clock skew does not matter)."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    when = _http_date(value)
    if when is None:
        return None
    now = _http_date(response.headers.get("Date", "")) or dt.datetime.now(dt.timezone.utc)
    return max(0.0, (when - now).total_seconds())


def _http_date(value: str) -> dt.datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def _display(url: str) -> str:
    """The URL as shown in messages: without query string (never holds secrets anyway)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
