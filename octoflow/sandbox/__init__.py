"""The sandbox: an Octopus-compatible REST API in Python, for tests and rehearsals.

::

    sb = Sandbox(areas, seed="demo")          # state + WSGI app (sb.app)
    session.mount(IN_PROCESS_URL, SandboxAdapter(sb.app))   # in-process, no sockets
    with SandboxServer(sb.app) as srv: ...    # real HTTP on 127.0.0.1, srv.url

See ``ARCHITECTURE.md`` beside this file.
"""

from __future__ import annotations

from octoflow.sandbox.adapter import SandboxAdapter
from octoflow.sandbox.errors import SandboxError
from octoflow.sandbox.sandbox import (
    IN_PROCESS_URL,
    SANDBOX_API_KEY,
    RequestRecord,
    Sandbox,
)
from octoflow.sandbox.server import SandboxServer

__all__ = [
    "IN_PROCESS_URL",
    "SANDBOX_API_KEY",
    "RequestRecord",
    "Sandbox",
    "SandboxAdapter",
    "SandboxError",
    "SandboxServer",
]
