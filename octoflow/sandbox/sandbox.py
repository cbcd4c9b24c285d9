"""The :class:`Sandbox`: areas, router, state, knobs and the request log, in one object."""

from __future__ import annotations

import gc
import graphlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from octoflow.sandbox.app import App
from octoflow.sandbox.control import register_control
from octoflow.sandbox.core import CoreArea
from octoflow.sandbox.journal import Journal, read_state, write_atomically
from octoflow.sandbox.profiles import ServerProfile, server_profile
from octoflow.sandbox.redaction import redact_path, redact_query
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router
from octoflow.sandbox.seeds import SEED_NAMES
from octoflow.sandbox.settings import Settings
from octoflow.sandbox.state import State

#: The sandbox's default API key: obviously fake, never a realistic key.
SANDBOX_API_KEY = "API-EXAMPLESANDBOXKEY0000000000"
#: Where to mount :class:`SandboxAdapter` on a ``requests.Session``.
IN_PROCESS_URL = "http://sandbox.octoflow.invalid"
#: ``LastModifiedOn`` of every seeded document.
SEED_TIME = "2026-01-05T09:00:00.000+00:00"


#: ``hook(request)``: told of every accepted write (see ``Sandbox.write_accepted``).
WriteHook = Callable[[Request], None]


class RequestRecord(NamedTuple):
    """One API request the sandbox saw; ``status`` 0 means the connection was dropped.
    Credentials in the path or query are masked (see ``redaction``)."""

    method: str
    path: str
    query: str
    status: int


class Sandbox:
    """An Octopus-compatible server's state and WSGI app, independent of any transport.

    :param areas: provider areas (``name``, ``register_routes``, ``seed``) added
        after the core area.
    :param seed: ``"empty"``, ``"demo"`` or the path of a JSON state file,
        loaded if it exists and demo-seeded otherwise (``save`` writes it).
    :param server_version: the Octopus Server release to answer as, one of
        ``profiles.PROFILE_NAMES`` (``"2020.5"``… ``"current"``): its routes and root document.
    :param clock: seconds, for the rate limiter's buckets (tests pass one they move).
    """

    def __init__(
        self,
        areas: Iterable[Any] = (),
        seed: str | os.PathLike[str] = "demo",
        api_keys: Iterable[str] = (SANDBOX_API_KEY,),
        latency_ms: float = 0,
        concurrency_limit: int | None = None,
        server_version: str = "current",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.areas = [CoreArea(), *(a for a in areas if a.name != CoreArea.name)]
        self.profile, self.router = _routes_of(self.areas, server_version)
        self.state = State()
        self.settings = Settings(latency_ms, concurrency_limit, clock)
        self.api_keys = frozenset(api_keys)
        self.app = App(self)
        self._requests: list[RequestRecord] = []
        self._requests_lock = threading.Lock()
        self._write_hooks: list[WriteHook] = []
        #: The write-ahead log once ``make_durable`` has been called.
        self.journal: Journal | None = None
        self._freezes_state = False
        self.state_file, self.default_seed = _seed_source(seed)
        if self.state_file is not None and self.state_file.exists():
            self.load(read_state(self.state_file))
        else:
            self.reset(self.default_seed)

    # -- state --------------------------------------------------------------------

    def reset(self, seed: str = "demo") -> None:
        """Replace the whole state with a named seed: the core first, then each area."""
        if seed not in SEED_NAMES:
            raise ValueError(f"unknown seed {seed!r}; use one of {', '.join(SEED_NAMES)}")
        with self.state.lock:
            self.state.clear()
            with self.state.frozen_clock(SEED_TIME):
                for area in seeding_order(self.areas):
                    area.seed(self.state, seed)
            self.state.meta["seed"] = seed
            self._settle_state()
            if self.journal is not None:
                self.journal.compact()

    def dump(self) -> dict[str, Any]:
        """The whole state as a JSON-able dict; ``load`` (or ``seed=<file>``) restores it."""
        with self.state.lock:
            return self.state.dump()

    def load(self, data: dict[str, Any]) -> None:
        with self.state.lock:
            self.state.load(data)
            self._settle_state()
            if self.journal is not None:
                self.journal.compact()

    def _settle_state(self) -> None:
        """Build the indexes of a newly seeded or loaded state (and freeze it, see
        ``freeze_state``)."""
        for build in self.router.index_builders:
            build(self.state)
        if self._freezes_state:
            _freeze_heap()

    def freeze_state(self) -> None:
        """Keep the state out of the cyclic garbage collector's passes, now and after each
        reset or load: for a process that only serves this sandbox (``sandbox serve``).

        A large seed is many objects that hold no reference cycles (``demo-large``:
        150,000 the collector tracks): a full pass over them stopped every request for
        0.15-0.2 s, once during a 4,005-tenant apply, and found nothing to collect.
        Frozen documents are still freed when replaced or deleted (by reference counting);
        garbage is collected first, so none is frozen. This is process-wide
        (``gc.freeze``), hence not for a sandbox embedded in someone else's process.
        """
        self._freezes_state = True
        with self.state.lock:
            _freeze_heap()

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write ``dump()`` to ``path`` atomically (a synced temporary file, then a rename).
        Saving to the durable state file compacts its journal instead."""
        target = Path(path)
        with self.state.lock:
            if self.journal is not None and target.resolve() == self.journal.path.resolve():
                self.journal.compact()
                return
            data = self.dump()
        write_atomically(target, json.dumps(data, indent=1).encode("utf-8"))

    def use_server_version(self, name: str) -> None:
        """Answer as another Octopus Server release from now on (``profiles``); the state
        is kept. ValueError for a name not in ``profiles.PROFILE_NAMES``."""
        profile, router = _routes_of(self.areas, name)
        with self.state.lock:
            self.profile, self.router = profile, router

    # -- durability and the write seam ---------------------------------------------

    def make_durable(self, path: str | os.PathLike[str] | None = None) -> None:
        """Write every accepted write through to ``path`` (default: the state file the
        sandbox started from), which becomes its state file, before the write is answered:
        a write-ahead log beside the file (``octoflow.sandbox.journal``), compacted into it
        now and on ``save``. Raises ``OSError`` when the file cannot be written."""
        target = Path(path) if path is not None else self.state_file
        if target is None:
            raise ValueError("make_durable needs a state file: pass its path")
        with self.state.lock:
            journal = Journal(self.state, target)
            journal.compact()
            self.journal, self.state_file = journal, target

    def on_write(self, hook: WriteHook) -> None:
        """Call ``hook(request)`` for every accepted write, after the journal has it."""
        self._write_hooks.append(hook)

    def write_accepted(self, req: Request) -> None:
        """The one place every accepted write passes: a POST, PUT, DELETE or PATCH (API or
        control) that a handler answered below 400. It runs under the state lock, before
        the response is sent; an exception here turns the response into an error."""
        if self.journal is not None:
            self.journal.commit()
        for hook in self._write_hooks:
            hook(req)

    def close(self) -> None:
        """Release the journal's file; from then on a write is answered 500, never 2xx
        unsaved (a request still running when ``sandbox serve`` exits, say)."""
        with self.state.lock:
            if self.journal is not None:
                self.journal.close()

    # -- request log ----------------------------------------------------------------

    def record(self, method: str, path: str, query: str, status: int) -> None:
        keys = self.api_keys
        entry = RequestRecord(method, redact_path(path, keys), redact_query(query, keys), status)
        with self._requests_lock:
            self._requests.append(entry)

    @property
    def requests(self) -> list[RequestRecord]:
        """The API requests seen so far (control-plane requests are not logged)."""
        with self._requests_lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._requests_lock:
            self._requests.clear()


def _routes_of(areas: list[Any], server_version: str) -> tuple[ServerProfile, Router]:
    """The profile called ``server_version`` and a router holding the routes its server had."""
    profile = server_profile(server_version)
    router = Router(profile.allows)
    for area in areas:
        area.register_routes(router)
    register_control(router)
    return profile, router


def _seed_source(seed: str | os.PathLike[str]) -> tuple[Path | None, str]:
    """``(state file, seed name)`` for the ``seed`` argument."""
    if isinstance(seed, str) and seed in SEED_NAMES:
        return None, seed
    path = Path(seed)
    looks_like_path = path.suffix == ".json" or len(path.parts) > 1 or path.exists()
    if isinstance(seed, str) and not looks_like_path:
        raise ValueError(
            f"seed must be one of {', '.join(SEED_NAMES)} or the path of a .json state file, "
            f"not {seed!r}"
        )
    return path, "demo"


def seeding_order(areas: list[Any]) -> list[Any]:
    """Areas in registration order, except that an area seeds after those it names
    in its optional ``seed_after`` (areas whose seeded documents it builds on;
    names of areas not loaded are ignored)."""
    names = [area.name for area in areas]
    graph = {a.name: {n for n in getattr(a, "seed_after", ()) if n in names} for a in areas}
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError on a cycle
    return sorted(areas, key=lambda a: (_depth(a.name, graph), names.index(a.name)))


def _depth(name: str, graph: dict[str, set[str]]) -> int:
    return 1 + max((_depth(n, graph) for n in graph[name]), default=-1)


def _freeze_heap() -> None:
    """Collect what garbage there is, then move every object left out of the collector's
    generations (``gc.freeze``)."""
    gc.collect()
    gc.freeze()
