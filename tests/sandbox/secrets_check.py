"""Checks that a secret a test wrote is kept nowhere a client or a log can read it."""

from __future__ import annotations


def assert_secret_kept_nowhere(api, secret: str) -> None:
    """Not in the audit log, the request log, nor the state the sandbox would save."""
    for path in ("/api/events?take=100000", "/_sandbox/requests", "/_sandbox/state"):
        response = api.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert secret not in response.text, path
