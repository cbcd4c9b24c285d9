"""Request authentication: the API key travels only in a header, never in URLs."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests


class ApiKeyAuth(requests.auth.AuthBase):
    """Sends ``X-Octopus-ApiKey`` and removes any competing credentials."""

    def __init__(self, api_key: str) -> None:
        self._api_key = api_key

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers.pop("Authorization", None)
        request.headers["X-Octopus-ApiKey"] = self._api_key
        return request

    def __repr__(self) -> str:
        return "ApiKeyAuth(<redacted>)"


class BearerAuth(requests.auth.AuthBase):
    """Sends an OIDC/service-account access token (``OCTOPUS_ACCESS_TOKEN``)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers.pop("X-Octopus-ApiKey", None)
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(<redacted>)"


class RedirectDowngrade(requests.RequestException):
    """The server redirected an https request to plain http."""


class KeySafeSession(requests.Session):
    """A session whose credentials never follow a redirect off the server or off TLS.

    requests drops only the ``Authorization`` header on such redirects; the
    ``X-Octopus-ApiKey`` header would go along. A redirect from https to http
    is refused outright.
    """

    def rebuild_auth(
        self, prepared_request: requests.PreparedRequest, response: requests.Response
    ) -> None:
        before, after = response.request.url or "", prepared_request.url or ""
        if urlsplit(before).scheme == "https" and urlsplit(after).scheme == "http":
            raise RedirectDowngrade(after, request=prepared_request, response=response)
        if self.should_strip_auth(before, after):
            prepared_request.headers.pop("X-Octopus-ApiKey", None)
        super().rebuild_auth(prepared_request, response)
