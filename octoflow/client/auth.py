"""Request authentication: the API key travels only in a header, never in URLs."""

from __future__ import annotations

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
