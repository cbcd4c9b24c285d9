"""Maps method + path to handlers, the way Octopus lays out its API.

A space-scoped route ``/tenants/{id}`` answers at ``/api/{spaceId}/tenants/{id}``,
at ``/api/tenants/{id}`` (the default space) and at
``/api/spaces/{spaceIdOrSlug}/tenants/{id}`` (newer servers). Literal segments
match case-insensitively and beat parameters, so ``/tenants/all`` wins over
``/tenants/{id}``. A fixed sub-path is never read as an id: when a literal route
answers the path under other methods only (``PUT /environments/sortorder``), any
other method gets 405 naming them, not the parameter route (``GET
/environments/{id}``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from octoflow.sandbox.casing import FieldNames
from octoflow.sandbox.errors import SandboxError

Handler = Callable[[Any], Any]
Listener = Callable[[Any, "dict | None", "dict | None"], None]
#: ``owner(state, api_key)``: the id of the user a key the sandbox issued belongs to, or None.
KeyOwner = Callable[[Any, str], "str | None"]
#: ``guard(request)``: runs before every API handler (under the state lock); may raise (403).
Guard = Callable[[Any], None]
#: ``check(request, document)``: why ``document`` must not be created (nothing: admit it).
Admission = Callable[[Any, dict], "list[str]"]

_PARAM_RE = re.compile(r"^\{(\w+)(?::(.+))?\}$")

# How a route was reached, when it is space-scoped.
BY_SPACE_ID, BY_DEFAULT_SPACE, BY_SPACE_REF = "id", "default", "ref"


@dataclass(frozen=True)
class Segment:
    literal: str | None = None
    param: str | None = None
    pattern: re.Pattern[str] | None = None

    def matches(self, text: str) -> bool:
        if self.literal is not None:
            return text.lower() == self.literal
        if self.pattern is not None:
            return bool(self.pattern.fullmatch(text))
        return text != ""

    @property
    def rank(self) -> int:
        """0 for a literal, 1 for a constrained parameter, 2 for a free one."""
        if self.literal is not None:
            return 0
        return 1 if self.pattern is not None else 2


@dataclass(frozen=True)
class Route:
    method: str
    segments: tuple[Segment, ...]
    handler: Handler
    kind: str  # "space", "system" or "control"
    space_form: str | None = None
    anonymous: bool = False  # served without an API key (e.g. signing in)

    @property
    def rank(self) -> tuple[int, ...]:
        return tuple(s.rank for s in self.segments)

    @property
    def literal_rank(self) -> tuple[int, ...]:
        """0 where the route has a fixed segment, 1 where it has a parameter."""
        return tuple(0 if s.literal is not None else 1 for s in self.segments)

    @property
    def prefix_length(self) -> int:
        """Leading segments that name the API and the space (``api``, ``Spaces-1``)."""
        return {BY_SPACE_ID: 2, BY_SPACE_REF: 3}.get(self.space_form or "", 1)


@dataclass(frozen=True)
class Match:
    route: Route
    params: dict[str, str]


def parse_template(template: str) -> tuple[Segment, ...]:
    out = []
    for part in split_path(template):
        found = _PARAM_RE.match(part)
        if found:
            pattern = re.compile(found.group(2), re.IGNORECASE) if found.group(2) else None
            out.append(Segment(param=found.group(1), pattern=pattern))
        else:
            out.append(Segment(literal=part.lower()))
    return tuple(out)


def split_path(path: str) -> list[str]:
    return [part for part in path.strip("/").split("/") if part != ""]


class Router:
    """The route table, root-document links, capabilities, field names, change
    listeners and admission checks."""

    def __init__(self, allow: Callable[[Route], bool] | None = None) -> None:
        #: Which routes the server being played has (``profiles.ServerProfile.allows``);
        #: routes it refuses are not registered, so they answer 404 (or 405).
        self.allow = allow
        self._routes: dict[int, list[Route]] = defaultdict(list)
        self._indexes: dict[int, _Index] = {}
        self.links: dict[str, tuple[str, bool]] = {}
        self._served: list[tuple[str, tuple[str, bool]]] | None = None
        self.field_names = FieldNames()
        self._listeners: dict[str, list[Listener]] = defaultdict(list)
        self._admissions: dict[str, list[Admission]] = defaultdict(list)
        self.key_owners: list[KeyOwner] = []
        self.guards: list[Guard] = []
        self.capabilities: set[str] = set()
        self.index_builders: list[Callable[[Any], Any]] = []

    # -- registration ---------------------------------------------------------

    def space(self, method: str, template: str, handler: Handler) -> None:
        """A space-scoped route, reachable in all three URL forms."""
        rest = parse_template(template)
        forms = (
            (BY_SPACE_ID, parse_template("/api/{spaceId:Spaces-\\d+}")),
            (BY_DEFAULT_SPACE, parse_template("/api")),
            (BY_SPACE_REF, parse_template("/api/spaces/{spaceRef}")),
        )
        for form, prefix in forms:
            self._add(Route(method.upper(), prefix + rest, handler, "space", form))

    def system(self, method: str, template: str, handler: Handler, anonymous: bool = False) -> None:
        """A route under ``/api`` that is not space-scoped (``/api/spaces``, ``/api/users``).

        ``anonymous`` routes need no API key (like signing in on a real server).
        """
        segments = parse_template("/api" + template)
        self._add(Route(method.upper(), segments, handler, "system", anonymous=anonymous))

    def control(self, method: str, template: str, handler: Handler) -> None:
        """A control-plane route under the reserved ``/_sandbox`` prefix."""
        segments = parse_template("/_sandbox" + template)
        self._add(Route(method.upper(), segments, handler, "control"))

    def link(self, name: str, template: str, space_scoped: bool = True) -> None:
        """Advertise ``template`` (e.g. ``/tenants{/id}{?skip,take}``) in the root documents."""
        self.links[name] = (template, space_scoped)
        self._served = None

    def capability(self, *names: str) -> None:
        """Name request types the sandbox serves in ``GET /api/capabilities``."""
        self.capabilities.update(names)

    def add_field_names(self, names: Iterable[str]) -> None:
        """Field spellings to accept case-insensitively in request bodies."""
        self.field_names.add(names)

    def on_change(self, collection: str, listener: Listener) -> None:
        """Call ``listener(req, old, new)`` after a document of ``collection`` changes."""
        self._listeners[collection].append(listener)

    def admission(self, collection: str, check: Admission) -> None:
        """Consult ``check`` before a document of ``collection`` is created: another area's
        veto. The create path calls ``req.admit``, which refuses with the server's 400."""
        self._admissions[collection].append(check)

    def refusals(self, req: Any, collection: str, doc: dict) -> list[str]:
        """Every admission check's reasons not to create ``doc`` in ``collection``."""
        return [reason for check in self._admissions[collection] for reason in check(req, doc)]

    def key_owner(self, owner: KeyOwner) -> None:
        """Accept API keys that ``owner`` recognises, besides the sandbox's own keys."""
        self.key_owners.append(owner)

    def guard(self, guard: Guard) -> None:
        """Check every API request before it is handled (permissions, for example)."""
        self.guards.append(guard)

    def build_index(self, builder: Callable[[Any], Any]) -> None:
        """Build a ``State`` index (``builder(state)``) whenever the state is seeded or
        loaded, rather than on the first request that needs it: the name index of 10,000
        tenants took the first write of an apply a few hundred milliseconds, every other
        request waiting behind it."""
        self.index_builders.append(builder)

    def notify(self, req: Any, collection: str, old: dict | None, new: dict | None) -> None:
        for listener in self._listeners[collection]:
            listener(req, old, new)

    def _add(self, route: Route) -> None:
        """Add ``route``; one registered later for the same method and path replaces it."""
        if self.allow is not None and not self.allow(route):
            return
        routes = self._routes[len(route.segments)]
        routes[:] = [r for r in routes if (r.method, r.segments) != (route.method, route.segments)]
        routes.append(route)
        self._indexes.pop(len(route.segments), None)
        self._served = None

    # -- lookup ---------------------------------------------------------------

    def served_links(self) -> list[tuple[str, tuple[str, bool]]]:
        """The links, by name, whose paths some route answers (an older server profile has
        fewer routes, so fewer links); worked out once, as every root document needs it."""
        if self._served is None:
            self._served = [
                (name, link) for name, link in sorted(self.links.items()) if self._answers(*link)
            ]
        return self._served

    def _answers(self, template: str, scoped: bool) -> bool:
        """Whether a route answers the root link ``template`` (relative to the space when
        ``scoped``)."""
        return self.answers_link(("/api/Spaces-1" if scoped else "/api") + template)

    def answers_link(self, link: str) -> bool:
        """Whether a route answers a document's link: its path, or its path with an id
        (``{/id}``), for any method."""
        bare = re.sub(r"\{\?[^}]*\}", "", link)  # without the query part
        forms = (re.sub(r"\{/[^}]*\}", "", bare), re.sub(r"\{/[^}]*\}", "/x", bare))
        return any(self._has_path(re.sub(r"\{[^}]*\}", "x", form)) for form in forms)

    def _has_path(self, path: str) -> bool:
        """Whether some route, for any method, answers ``path``."""
        try:
            self.match("GET", path)
        except SandboxError as exc:
            return exc.status == 405
        return True

    def routes(self) -> list[Route]:
        """Every route registered (for introspection, such as tests that visit them all)."""
        return [route for routes in self._routes.values() for route in routes]

    def match(self, method: str, path: str) -> Match:
        parts = split_path(path)
        index = self._indexes.get(len(parts))
        if index is None:
            index = self._indexes[len(parts)] = _Index(self._routes[len(parts)])
        candidates = [r for r in index.candidates(parts) if _fits(r, parts)]
        if not candidates:
            raise SandboxError(404, f"There is no API route for '{path}' in the octoflow sandbox.")
        literal = min(r.literal_rank for r in candidates)
        allowed = [r for r in candidates if r.method == method]
        if not allowed or min(r.literal_rank for r in allowed) > literal:
            exact = [r for r in candidates if r.literal_rank == literal] if allowed else candidates
            methods = ", ".join(sorted({r.method for r in exact}))
            raise SandboxError(
                405,
                f"The HTTP method '{method}' is not allowed for '{path}'. Allowed: {methods}.",
                headers={"Allow": methods},
            )
        best = min(allowed, key=lambda r: r.rank)
        pairs = zip(best.segments, parts, strict=True)
        params = {seg.param: part for seg, part in pairs if seg.param is not None}
        return Match(best, params)


class _Index:
    """The routes of one path length by the literal at each position, so a request is
    tested against the few routes its fixed segments allow, not against all of them."""

    def __init__(self, routes: list[Route]) -> None:
        self.routes = list(routes)
        length = len(self.routes[0].segments) if self.routes else 0
        self.literals: list[dict[str, set[int]]] = [defaultdict(set) for _ in range(length)]
        self.params: list[set[int]] = [set() for _ in range(length)]
        for number, route in enumerate(self.routes):
            for position, segment in enumerate(route.segments):
                if segment.literal is not None:
                    self.literals[position][segment.literal].add(number)
                else:
                    self.params[position].add(number)
        self._found: dict[tuple[str | None, ...], list[Route]] = {}

    def candidates(self, parts: list[str]) -> list[Route]:
        """Routes whose literal segments all equal ``parts`` (parameters still to test),
        in the order they were registered; kept by the literals ``parts`` hit, which few
        shapes of path share (``/api/{space}/tenants/{id}``)."""
        if not self.routes:
            return []
        shape = tuple(
            lowered if lowered in self.literals[position] else None
            for position, lowered in enumerate(part.lower() for part in parts)
        )
        found = self._found.get(shape)
        if found is None:
            found = self._found[shape] = self._candidates(shape)
        return found

    def _candidates(self, shape: tuple[str | None, ...]) -> list[Route]:
        numbers: set[int] | None = None
        for position, literal in enumerate(shape):
            here = self.params[position]
            if literal is not None:
                here = here | self.literals[position][literal]
            numbers = here if numbers is None else numbers & here
            if not numbers:
                return []
        return [self.routes[n] for n in sorted(numbers or ())]


def _fits(route: Route, parts: list[str]) -> bool:
    return all(seg.matches(part) for seg, part in zip(route.segments, parts, strict=True))
