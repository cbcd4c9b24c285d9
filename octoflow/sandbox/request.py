"""What a route handler receives: the parsed request and the sandbox around it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import parse_qsl

from octoflow.sandbox.casing import CIDict, FieldNames, canonicalize
from octoflow.sandbox.errors import NO_BODY_MESSAGE, DropConnection, SandboxError, invalid

if TYPE_CHECKING:
    from octoflow.sandbox.sandbox import Sandbox
    from octoflow.sandbox.state import State


#: The largest request body the sandbox reads; a longer one is refused with 413.
MAX_BODY_BYTES = 16 * 1024 * 1024


def read_body(environ: dict[str, Any]) -> bytes:
    """The request body: 400 for a bad ``Content-Length``, 413 beyond ``MAX_BODY_BYTES``
    (refused before a byte of it is read)."""
    declared = (environ.get("CONTENT_LENGTH") or "0").strip()
    if not (declared.isascii() and declared.isdigit()):
        raise invalid(f"The Content-Length header must be a number of bytes, not {declared!r}.")
    length = int(declared)
    if length > MAX_BODY_BYTES:
        message = (
            f"The request body is {length} bytes; the sandbox accepts at most "
            f"{MAX_BODY_BYTES} bytes ({MAX_BODY_BYTES // (1024 * 1024)} MiB)."
        )
        raise SandboxError(413, message, errors=[message])
    if not length:
        return b""
    try:
        body = environ["wsgi.input"].read(length)
    except OSError as exc:  # the client went quiet (read timeout) or away
        raise DropConnection(f"reading the request body: {exc}") from None
    if len(body) < length:
        raise DropConnection("the client closed the connection before sending the whole body")
    return body


class Query:
    """Query parameters; names are matched case-insensitively (``skip`` = ``Skip``)."""

    def __init__(self, query_string: str) -> None:
        self.pairs = parse_qsl(query_string, keep_blank_values=True)

    def get(self, name: str, default: str | None = None) -> str | None:
        lowered = name.lower()
        for key, value in self.pairs:
            if key.lower() == lowered:
                return value
        return default

    def getlist(self, name: str) -> list[str]:
        """Every value of ``name``, repeated or comma-joined (RFC 6570 list expansion)."""
        lowered = name.lower()
        out: list[str] = []
        for key, value in self.pairs:
            if key.lower() == lowered:
                out.extend(part.strip() for part in value.split(",") if part.strip())
        return out

    def int(self, name: str, default: int) -> int:
        text = self.get(name)
        if text is None or text == "":
            return default
        try:
            number = int(text)
        except ValueError:
            raise invalid(f"The value '{text}' is not valid for {name}.") from None
        if number < 0:
            raise invalid(f"{name} must be 0 or greater, not {number}.")
        return number

    def bool(self, name: str) -> bool | None:
        text = self.get(name)
        if text is None or text == "":
            return None
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise invalid(f"The value '{text}' is not valid for {name}; use true or false.")


class Request:
    """One API call, as a handler sees it."""

    def __init__(
        self,
        method: str,
        path: str,
        query: Query,
        body: bytes,
        sandbox: Sandbox,
        field_names: FieldNames,
        notify: Callable[[Request, str, dict | None, dict | None], None],
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.path_params: dict[str, str] = {}
        #: The space a space-scoped route resolved to ("" for other routes).
        self.space_id = ""
        #: The path after ``/api`` and the space, e.g. ``tenants/Tenants-1``.
        self.relative_path = ""
        #: The user whose API key the sandbox issued and was sent; ``None`` for the
        #: sandbox's own keys (``api_keys``), which act as the built-in administrator.
        self.user_id: str | None = None
        #: The client's ``User-Agent`` header (the audit log records it).
        self.user_agent = ""
        #: The document a create copies (``?clone=``), set by the CRUD layer.
        self.clone_source: dict[str, Any] | None = None
        self.sandbox = sandbox
        self._body = body
        self._names = field_names
        self._notify = notify
        self._parsed: Any = None

    @property
    def state(self) -> State:
        return self.sandbox.state

    @property
    def body_bytes(self) -> bytes:
        """The body as sent (an uploaded image, for example)."""
        return self._body

    @property
    def has_body(self) -> bool:
        return bool(self._body.strip())

    @property
    def body(self) -> bytes:
        """The body as sent (file uploads such as artifact content)."""
        return self._body

    @property
    def json(self) -> Any:
        """The body, parsed; objects are ``CIDict`` with modelled keys spelled canonically."""
        if self._parsed is None:
            self._parsed = canonicalize(self.raw_json(), self._names)
        return self._parsed

    def raw_json(self) -> Any:
        """The body parsed as sent, without case handling (the control plane's bodies)."""
        if not self.has_body:
            raise SandboxError(400, NO_BODY_MESSAGE, errors=[NO_BODY_MESSAGE])
        try:
            text = self._body.decode("utf-8-sig")
            parsed = json.loads(text, parse_constant=_no_constant)
            if "\\ud" in text or "\\uD" in text:  # a lone surrogate fails to encode
                json.dumps(parsed, ensure_ascii=False).encode("utf-8")
        except (UnicodeError, ValueError) as exc:
            raise invalid(f"The request body is not valid JSON: {exc}") from None
        except RecursionError:
            raise invalid("The request body is not valid JSON: it is nested too deeply.") from None
        return parsed

    def json_object(self) -> CIDict:
        body = self.json
        if not isinstance(body, CIDict):
            raise invalid("The request body must be a JSON object.")
        return body

    def admit(self, collection: str, doc: dict[str, Any]) -> None:
        """Raise the server's 400 when an area's admission check refuses creating ``doc``
        in ``collection`` (``Router.admission``); create paths call it before storing."""
        reasons = self.sandbox.router.refusals(self, collection, doc)
        if reasons:
            raise invalid(*reasons)

    def changed(self, collection: str, old: dict | None, new: dict | None) -> None:
        """Tell other areas a document was modified (``new``) or deleted (``new`` None)."""
        self._notify(self, collection, old, new)


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")
