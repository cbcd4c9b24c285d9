"""The WSGI application: auth, knobs, routing and the Octopus response conventions.

Every API request is logged, may meet an injected fault, waits for a
concurrency slot, sleeps the configured latency (outside the state lock, so
concurrent requests really overlap) and is then served under the state lock.
Control-plane requests (``/_sandbox/…``) skip faults, latency and the log, and
need one of the sandbox's own keys (the built-in administrator). Every write a
handler accepts passes ``Sandbox.write_accepted`` before its response is sent.
"""

from __future__ import annotations

import copy
import json
import traceback
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from octoflow.sandbox import webui
from octoflow.sandbox.blob import Blob
from octoflow.sandbox.core import events
from octoflow.sandbox.errors import (
    UNAUTHORIZED_MESSAGE,
    DropConnection,
    SandboxError,
    invalid,
)
from octoflow.sandbox.profiles.links import without_unserved_links
from octoflow.sandbox.ratelimit import REFUSED_MESSAGE
from octoflow.sandbox.request import Query, Request, read_body
from octoflow.sandbox.router import BY_DEFAULT_SPACE, BY_SPACE_ID, Match, split_path

if TYPE_CHECKING:
    from octoflow.sandbox.sandbox import Sandbox

CONTROL_PREFIX = "/_sandbox"
JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
Response = tuple[int, list[tuple[str, str]], bytes]
_REASONS = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
#: Methods that may change the state; the others are reads.
WRITE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH"})
#: What a handler raises when a body field has a type or shape it cannot use.
_SHAPE_ERRORS = (TypeError, AttributeError, KeyError, IndexError, ValueError)
CONTROL_REFUSED = (
    "The sandbox control API (/_sandbox/) needs one of the sandbox's own API keys, which act "
    "as the built-in administrator; keys issued to users are refused whatever their roles."
)
#: The rate limiter's name for the user of the sandbox's own keys (no ``Users-`` id).
BUILT_IN_ADMINISTRATOR = "built-in administrator"
_FAULT_MESSAGES = {
    429: REFUSED_MESSAGE,
    503: "The Octopus Server is temporarily unavailable. Please retry later.",
}


def request_path(environ: dict[str, Any]) -> str:
    """The decoded request path, except that a slash escaped inside one segment stays
    ``%2F``: a git ref such as ``refs%2Fheads%2Fmain`` is one path parameter.

    ``PATH_INFO`` has every escape decoded, so the segments are read from the raw
    request target (``RAW_URI``, as gunicorn names it) when the server provides it.
    """
    raw = environ.get("RAW_URI")
    if not isinstance(raw, str) or not raw.startswith("/"):
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
        return path or "/"
    raw = raw.split("?", 1)[0]
    parts = [unquote(part, errors="replace").replace("/", "%2F") for part in raw.split("/")]
    return "/".join(parts) or "/"


class App:
    """The WSGI callable of one sandbox."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"].upper()
        path = request_path(environ)
        query = environ.get("QUERY_STRING", "")
        if is_control(path):
            status, headers, payload = self.dispatch(environ, method, path, query, control=True)
        elif webui.is_web_ui(path):
            status, headers, payload = webui.response(method)
        else:
            status, headers, payload = self.serve_api(environ, method, path, query)
        start_response(f"{status} {_REASONS.get(status, 'Unknown')}", headers)
        return [payload]

    def serve_api(self, environ: dict[str, Any], method: str, path: str, query: str) -> Response:
        settings = self.sandbox.settings
        target = path + "?" + unquote(query)
        fault = settings.take_fault(("status", "drop"), method, target)
        if fault is not None and fault.get("drop_connection"):
            self.sandbox.record(method, path, query, 0)
            raise DropConnection(f"{method} {path}")
        with settings.slot():
            settings.sleep()
            if fault is not None:
                response = fault_response(fault)
            else:
                response = self.dispatch(environ, method, path, query, target)
        self.sandbox.record(method, path, query, response[0])
        return response

    def dispatch(
        self,
        environ: dict[str, Any],
        method: str,
        path: str,
        query: str,
        target: str = "",
        control: bool = False,
    ) -> Response:
        """Serve one request; the rate limiter's advisory headers go on whatever it answers."""
        advisory: list[tuple[str, str]] = []
        status, headers, payload = self.serve(
            environ, method, path, query, target, control, advisory
        )
        return status, headers + advisory, payload

    def serve(
        self,
        environ: dict[str, Any],
        method: str,
        path: str,
        query: str,
        target: str,
        control: bool,
        advisory: list[tuple[str, str]],
    ) -> Response:
        req: Request | None = None
        try:
            router = self.sandbox.router
            routed = self.route(method, path)
            user_id = None
            anonymous = is_anonymous(method, path) or (
                isinstance(routed, Match) and routed.route.anonymous
            )
            if not anonymous:
                user_id = self.authenticate(environ, Query(query))
            if control and user_id is not None:
                raise SandboxError(403, CONTROL_REFUSED, errors=[CONTROL_REFUSED])
            if not control:
                advisory += self.rate_limit(environ, query, anonymous, user_id)
            if not isinstance(routed, Match):
                raise routed
            match = routed
            req = self.request(environ, method, path, query, match)
            req.user_id = user_id
            state = self.sandbox.state
            with state.lock:
                resolve_space(req, match)
                if match.route.kind != "control":
                    for guard in router.guards:
                        guard(req)
                audited = method in WRITE_METHODS and match.route.kind != "control"
                before = events.snapshot(state, req) if audited else None
                status, body = _result(match.route.handler(req))
                if (
                    method == "GET"
                    and match.route.kind != "control"
                    and not self.sandbox.profile.is_current
                ):
                    body = without_unserved_links(body, router.answers_link)
                payload = _encode(body)
                if method in WRITE_METHODS and status < 400:
                    if audited:
                        events.record(state, req, before, body)
                    self.sandbox.write_accepted(req)
                if method == "GET" and status == 200 and match.route.kind != "control":
                    self.apply_edits(target, body)
            headers = [("Content-Type", _content_type(body))] if payload else []
            return status, headers + [("Content-Length", str(len(payload)))], payload
        except SandboxError as exc:
            return error_response(exc)
        except DropConnection:
            raise
        except _SHAPE_ERRORS as exc:
            if req is not None and req.has_body:
                return error_response(body_shape_error(exc))
            return internal_error(exc)
        except Exception as exc:
            return internal_error(exc)

    def route(self, method: str, path: str) -> Match | SandboxError:
        """The route serving the request, or the 404/405 to answer once the caller is
        known (an unknown key is told 401 before it learns which routes exist)."""
        try:
            return self.sandbox.router.match(method, path)
        except SandboxError as exc:
            return exc

    def rate_limit(
        self, environ: dict[str, Any], query: str, anonymous: bool, user_id: str | None
    ) -> list[tuple[str, str]]:
        """Spend a token of the request's user (429 when none is left): every API request
        made with a valid key counts, the sandbox's own keys as one user (the built-in
        administrator). Requests without one are not limited (Octopus limits them per IP
        address; the sandbox does not)."""
        settings = self.sandbox.settings
        if settings.rate_limiter is None:
            return []
        if anonymous:
            try:
                user_id = self.authenticate(environ, Query(query))
            except SandboxError:
                return []
        return settings.take_token(user_id or BUILT_IN_ADMINISTRATOR)

    def authenticate(self, environ: dict[str, Any], query: Query) -> str | None:
        """The user whose key was offered (``None`` for the sandbox's own keys), else 401."""
        keys = self.sandbox.api_keys
        bearer = environ.get("HTTP_AUTHORIZATION", "")
        offered = [
            environ.get("HTTP_X_OCTOPUS_APIKEY"),
            query.get("apikey"),
            bearer[7:].strip() if bearer.lower().startswith("bearer ") else None,
        ]
        offered = [key for key in offered if key]
        if any(key in keys for key in offered):
            return None
        with self.sandbox.state.lock:
            for key in offered:
                for owner in self.sandbox.router.key_owners:
                    user_id = owner(self.sandbox.state, key)
                    if user_id:
                        return user_id
        raise SandboxError(401, UNAUTHORIZED_MESSAGE)

    def request(
        self, environ: dict[str, Any], method: str, path: str, query: str, match: Match
    ) -> Request:
        body = read_body(environ)
        router = self.sandbox.router
        req = Request(
            method, path, Query(query), body, self.sandbox, router.field_names, router.notify
        )
        req.user_agent = environ.get("HTTP_USER_AGENT", "")
        req.path_params = dict(match.params)
        req.relative_path = "/".join(split_path(path)[match.route.prefix_length :])
        return req

    def apply_edits(self, target: str, body: Any) -> None:
        """Concurrent-edit faults: change stored documents after this GET was served."""
        single = body.get("Id") if isinstance(body, dict) else None
        items = body.get("Items") if isinstance(body, dict) else body
        listed = (
            [d["Id"] for d in items or [] if isinstance(d, dict) and d.get("Id")]
            if isinstance(items, list)
            else []
        )
        state = self.sandbox.state
        for doc_id, fields in self.sandbox.settings.take_edits(target, single, listed):
            found = state.find_document(doc_id)
            if found is not None:
                collection, doc = found
                before = copy.deepcopy(doc)
                doc.update(fields)
                state.stamp(doc)
                state.put(collection, doc)  # so the state's indexes see the edit
                events.record_edit(state, doc["Id"], before, doc)


def is_control(path: str) -> bool:
    lowered = path.lower()
    return lowered == CONTROL_PREFIX or lowered.startswith(CONTROL_PREFIX + "/")


def is_anonymous(method: str, path: str) -> bool:
    """The root document is readable without a key, as on a real server."""
    return method == "GET" and path.rstrip("/").lower() == "/api"


def resolve_space(req: Request, match: Match) -> None:
    """Set ``req.space_id`` from the URL form, or 404 for an unknown space."""
    if match.route.kind != "space":
        return
    state = req.state
    if match.route.space_form == BY_DEFAULT_SPACE:
        req.space_id = state.default_space_id() or ""
        return
    ref = req.path_params.pop("spaceId" if match.route.space_form == BY_SPACE_ID else "spaceRef")
    space = (
        state.get("Spaces", ref)
        if match.route.space_form == BY_SPACE_ID
        else state.space_by_ref(ref)
    )
    if space is None:
        raise SandboxError(404, f"The resource '{ref}' was not found.")
    req.space_id = space["Id"]


def fault_response(fault: dict[str, Any]) -> Response:
    status = fault["status"]
    if status == 403:
        return error_response(permission_error(fault.get("permission") or "TenantEdit"))
    message = _FAULT_MESSAGES.get(status, "An injected sandbox fault failed this request.")
    headers = {}
    if fault.get("retry_after") is not None:
        headers["Retry-After"] = _seconds(fault["retry_after"])
    return error_response(SandboxError(status, message, headers=headers))


def permission_error(permission: str) -> SandboxError:
    """The real server's 403 shape: the missing permission in the message, help text beside it."""
    return SandboxError(
        403,
        "You do not have permission to perform this action. Please contact your Octopus "
        f"administrator. Missing permission: {permission}",
        help_text=f"This action requires the {permission} permission. "
        "None of your teams have this permission.",
    )


def error_response(exc: SandboxError) -> Response:
    payload = _encode(exc.body())
    headers = [("Content-Type", JSON_TYPE), ("Content-Length", str(len(payload)))]
    return exc.status, headers + list(exc.headers.items()), payload


def body_shape_error(exc: Exception) -> SandboxError:
    """A handler choked on a body field of the wrong type or shape: the client's 400."""
    return invalid(
        "The request body has a field of the wrong type or shape for this resource "
        f"({type(exc).__name__}: {exc}). Check the fields against the Octopus API reference."
    )


def internal_error(exc: Exception) -> Response:
    """A sandbox bug: answer like a server would, a 500 with the trace."""
    err = SandboxError(500, f"{type(exc).__name__}: {exc}")
    payload = _encode(dict(err.body(), FullException=traceback.format_exc()))
    headers = [("Content-Type", JSON_TYPE), ("Content-Length", str(len(payload)))]
    return 500, headers, payload


def _result(result: Any) -> tuple[int, Any]:
    if isinstance(result, tuple):
        return result[0], result[1]
    return 200, result


class PlainText(str):
    """A handler's plain-text body (e.g. a task's raw log), served as ``text/plain``."""


def _content_type(body: Any) -> str:
    if isinstance(body, Blob):
        return body.content_type
    return TEXT_TYPE if isinstance(body, PlainText) else JSON_TYPE


def _encode(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, Blob):
        return bytes(body)
    if isinstance(body, PlainText):
        return body.encode("utf-8")
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
