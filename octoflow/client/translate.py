"""The one place where HTTP responses and transport failures become octoflow errors."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests

from octoflow import errors
from octoflow.client.auth import RedirectDowngrade

_BY_STATUS: dict[int, type[errors.ApiError]] = {
    400: errors.ValidationError,
    401: errors.AuthenticationError,
    403: errors.PermissionDeniedError,
    404: errors.NotFoundError,
    409: errors.ValidationError,
    429: errors.RateLimitedError,
}


def error_from_response(response: requests.Response, method: str, url: str) -> errors.ApiError:
    """An :class:`~octoflow.errors.ApiError` carrying the server's own message."""
    body = _json_or_none(response)
    message = ""
    details: list[str] = []
    help_text = ""
    if isinstance(body, dict):
        message = str(body.get("ErrorMessage") or "")
        details = [str(e) for e in body.get("Errors") or ()]
        help_text = str(body.get("HelpText") or "")
    elif response.text:
        message = response.text.strip()[:300]
    cls = _BY_STATUS.get(response.status_code, errors.ServerError)
    return cls(method, url, response.status_code, message, details, help_text)


def error_from_transport(
    exc: requests.RequestException, method: str, url: str
) -> errors.TransportError:
    """Why the server could not be talked to, in words a user can act on."""
    if isinstance(exc, RedirectDowngrade):
        why = f"the server redirected it to plain http ({_without_query(str(exc))})"
        advice = (
            "octoflow does not send the API key unencrypted when asked for https: fix the "
            "redirect on the server, or give the http:// address if plain http is intended"
        )
    elif isinstance(exc, requests.exceptions.SSLError) and "CERTIFICATE_VERIFY_FAILED" in str(exc):
        why = "the TLS certificate could not be verified"
        advice = "fix the certificate, or pass --insecure if you trust this server"
    elif isinstance(exc, requests.exceptions.SSLError):
        why = "the TLS handshake failed"
        advice = (
            "check that the server serves https at this address; if it serves plain "
            "http, use an http:// URL"
        )
    elif isinstance(exc, requests.exceptions.Timeout):
        why = "it did not answer in time"
        advice = "check the server is healthy, or raise --timeout"
    elif isinstance(exc, requests.exceptions.ConnectionError):
        why = "the connection failed"
        advice = "check the URL (OCTOPUS_URL / --server) and that the server is running"
    else:
        why = type(exc).__name__
        advice = "check the URL and your network"
    return errors.TransportError(f"{method} {url}: {why}; {advice}")


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
