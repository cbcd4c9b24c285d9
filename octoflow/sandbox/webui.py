"""``/app``: where a real server serves its web UI (the links named ``Web`` point there).

The sandbox has no web UI, so ``GET /app`` and anything under it answer a small
HTML page saying so, rather than a 404 a link-following client would take for a
broken link. Like a real server's single-page app, it needs no API key.
"""

from __future__ import annotations

HTML_TYPE = "text/html; charset=utf-8"
PAGE = (
    b'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>octoflow sandbox</title></head>\n'
    b"<body><p>This is the octoflow sandbox, an Octopus-compatible REST API under "
    b'<a href="/api">/api</a>. It has no web UI: a real Octopus Server serves its web '
    b"app here.</p></body></html>\n"
)


def is_web_ui(path: str) -> bool:
    first = path.strip("/").split("/", 1)[0]
    return first.lower() == "app"


def response(method: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """The page for GET (and HEAD), a 405 naming them for anything else."""
    if method in ("GET", "HEAD"):
        body = PAGE if method == "GET" else b""
        return 200, [("Content-Type", HTML_TYPE), ("Content-Length", str(len(PAGE)))], body
    return 405, [("Allow", "GET, HEAD"), ("Content-Length", "0")], b""
