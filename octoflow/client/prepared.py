"""Sending octoflow's requests through a session without requests' general merging.

``Session.request`` merges per-request settings with the session's, its cookies,
hooks and environment, and checks each argument against several protocols: about
0.3 ms of CPU per request, which a 4,000-document apply pays 4,000 times on a
machine that also serves it. octoflow's requests are all alike (the session's
headers and auth, query parameters, a JSON body or none, the proxies and TLS
settings fixed when the session was made), so :func:`send` builds the same
``PreparedRequest`` directly and hands it to ``Session.send``: same bytes on the
wire, same adapters, redirects handled by the session as before.
"""

from __future__ import annotations

import json as jsonlib
from typing import Any
from urllib.parse import urlencode

import requests
from requests.cookies import RequestsCookieJar
from requests.hooks import default_hooks
from requests.structures import CaseInsensitiveDict
from requests.utils import requote_uri


def send(
    session: requests.Session,
    method: str,
    url: str,
    params: dict[str, Any] | None = None,
    json: Any = None,
    timeout: float | None = None,
) -> requests.Response:
    """``session.request(method, url, params=params, json=json, timeout=timeout)`` for a
    session that reads nothing from the environment (``trust_env`` off)."""
    return session.send(
        prepare(session, method, url, params, json),
        timeout=timeout,
        allow_redirects=True,
        proxies=session.proxies,
        verify=session.verify,
        cert=session.cert,
        stream=False,
    )


def prepare(
    session: requests.Session,
    method: str,
    url: str,
    params: dict[str, Any] | None = None,
    json: Any = None,
) -> requests.PreparedRequest:
    """The request ``session.prepare_request`` would make of these arguments."""
    prepared = requests.PreparedRequest()
    prepared.method = method.upper()
    prepared.url = _with_query(requote_uri(url), params)
    prepared.headers = CaseInsensitiveDict(session.headers)
    prepared.hooks = default_hooks()
    prepared.body = None
    if json is not None:
        prepared.body = jsonlib.dumps(json, allow_nan=False).encode("utf-8")
    prepared.prepare_content_length(prepared.body)
    if json is not None:
        prepared.headers.setdefault("Content-Type", "application/json")
    jar = RequestsCookieJar()
    if session.cookies:  # a server that sets none (API keys): no Cookie header to work out
        jar.update(session.cookies)
        prepared.prepare_cookies(jar)
    else:
        prepared._cookies = jar  # what redirects take their cookies from
    prepared.prepare_auth(session.auth)
    return prepared


def _with_query(url: str, params: dict[str, Any] | None) -> str:
    """``url`` with ``a=1&b=x&b=y`` added as requests encodes it: an iterable value
    repeats its key, ``None`` values are left out. (requests requotes the whole URL after
    adding them; an encoded query comes out of that as it went in.)"""
    pairs = [
        (key, item)
        for key, value in (params or {}).items()
        for item in (value if _is_many(value) else [value])
        if item is not None
    ]
    if not pairs:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(pairs)


def _is_many(value: Any) -> bool:
    return hasattr(value, "__iter__") and not isinstance(value, (str, bytes))
