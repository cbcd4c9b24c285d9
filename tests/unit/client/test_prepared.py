"""octoflow builds its requests without ``Session.request``'s merging: they must be the
requests ``Session.request`` would have sent, byte for byte."""

from __future__ import annotations

import pytest
import requests

from octoflow.client import prepared
from octoflow.client.auth import ApiKeyAuth, BearerAuth, KeySafeSession

URL = "http://octopus.example:8080/api/Spaces-1/tenants"
KEY = "API-EXAMPLEPREPARED0000000000"


class Capture(requests.adapters.BaseAdapter):
    """Records what is sent and answers 200 with an empty JSON object."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):  # noqa: ANN001, ANN003 - the adapter protocol
        self.sent.append(request)
        response = requests.Response()
        response.status_code, response._content, response.request = 200, b"{}", request
        response.url = request.url
        return response

    def close(self) -> None:
        pass


def session(auth: requests.auth.AuthBase | None) -> tuple[KeySafeSession, Capture]:
    made = KeySafeSession()
    made.headers.update({"Accept": "application/json", "User-Agent": "octoflow"})
    made.trust_env = False
    made.auth = auth
    capture = Capture()
    made.mount("http://", capture)
    return made, capture


CASES = [
    ("GET", URL, None, None),
    ("GET", URL, {"ids": "Tenants-1,Tenants-2", "take": 2, "skip": 0}, None),
    ("GET", URL, {"tags": ["Region/EU", "Tier/Gold"], "projectId": None, "name": "A & Co"}, None),
    ("GET", URL + "?take=0", {"skip": 30}, None),
    ("GET", URL + "/Tenants 1", {"flag": True}, None),
    ("PUT", URL + "/Tenants-1", None, {"Name": "Acmé", "Tags": ["a"], "Nothing": None}),
    ("POST", URL, None, {"Name": "New"}),
    ("POST", URL + "/Tenants-1/replace", None, None),
    ("DELETE", URL + "/Tenants-1", None, None),
]


@pytest.mark.parametrize("auth", [ApiKeyAuth(KEY), BearerAuth("token-example"), None])
@pytest.mark.parametrize("method, url, params, body", CASES)
def test_the_request_is_the_one_session_request_sends(auth, method, url, params, body):
    ours, ours_sent = session(auth)
    theirs, theirs_sent = session(auth)

    prepared.send(ours, method, url, params, body, timeout=5)
    theirs.request(method, url, params=params, json=body, timeout=5)

    (mine,), (reference,) = ours_sent.sent, theirs_sent.sent
    assert (mine.method, mine.url, mine.body) == (reference.method, reference.url, reference.body)
    assert list(mine.headers.items()) == list(reference.headers.items())


def test_cookies_the_server_set_go_back_as_with_session_request():
    ours, ours_sent = session(ApiKeyAuth(KEY))
    ours.cookies.set("Octopus-Csrf-Token", "abc", domain="octopus.example", path="/")
    theirs, theirs_sent = session(ApiKeyAuth(KEY))
    theirs.cookies.set("Octopus-Csrf-Token", "abc", domain="octopus.example", path="/")

    prepared.send(ours, "GET", URL)
    theirs.request("GET", URL)

    assert ours_sent.sent[0].headers["Cookie"] == theirs_sent.sent[0].headers["Cookie"]
