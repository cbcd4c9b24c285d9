"""The client against the sandbox: auth, spaces, paging, batches, errors."""

from __future__ import annotations

import pytest

from octoflow import Octoflow
from octoflow.client import OctopusClient
from octoflow.config import Connection
from octoflow.errors import (
    AuthenticationError,
    NotFoundError,
    ServerError,
    TransportError,
    UsageError,
    ValidationError,
)
from octoflow.sandbox import IN_PROCESS_URL, SANDBOX_API_KEY, SandboxAdapter
from tests.e2e.support import TEST_KEY


@pytest.fixture
def client(server) -> OctopusClient:
    _sandbox, srv = server
    return OctopusClient(Connection(srv.url, api_key=TEST_KEY), backoff_seconds=0.01)


def test_paging_follows_every_page_whatever_the_page_size(server, client) -> None:
    sandbox, _srv = server
    items = list(client.iter_pages("/api/Spaces-1/tenants", page_size=30))
    assert len(items) == 1000 == len({t["Id"] for t in items})
    pages = [r for r in sandbox.requests if r.path == "/api/Spaces-1/tenants"]
    assert len(pages) == 34


def test_ids_are_fetched_in_batches(server, client) -> None:
    sandbox, _srv = server
    ids = [f"Tenants-{n}" for n in range(1, 251)]
    found = client.get_many("/api/Spaces-1/tenants", ids)
    assert sorted(t["Id"] for t in found) == sorted(ids)
    assert len([r for r in sandbox.requests if "ids=" in r.query]) == 3


@pytest.mark.parametrize("space", ["Default", "default", "Spaces-1", None])
def test_spaces_resolve_by_name_slug_or_id(server, space) -> None:
    _sandbox, srv = server
    client = OctopusClient(Connection(srv.url, api_key=TEST_KEY, space=space))
    assert client.space_id == "Spaces-1"


def test_an_access_token_is_sent_as_a_bearer_token(server) -> None:
    _sandbox, srv = server
    client = OctopusClient(Connection(srv.url, access_token=TEST_KEY))
    assert client.space_id == "Spaces-1"


def test_errors_carry_the_servers_words(client) -> None:
    with pytest.raises(NotFoundError) as info:
        client.get("/api/Spaces-1/tenants/Tenants-99999")
    assert info.value.error_message == "The resource 'Tenants-99999' was not found."
    assert info.value.status == 404
    with pytest.raises(ValidationError) as bad:
        client.request("POST", "/api/Spaces-1/tenants", json={"Name": ""})
    assert bad.value.status == 400 and bad.value.errors


def test_a_wrong_key_is_an_authentication_error(server) -> None:
    _sandbox, srv = server
    client = OctopusClient(Connection(srv.url, api_key="API-EXAMPLEWRONGWRONGWRONG0"))
    with pytest.raises(AuthenticationError, match="You must be logged in"):
        _ = client.space_id


def test_a_url_that_is_not_octopus_is_a_usage_error(server) -> None:
    _sandbox, srv = server
    client = OctopusClient(Connection(srv.url + "/not-octopus", api_key=TEST_KEY), retries=0)
    with pytest.raises(UsageError, match="did not answer with an Octopus root document"):
        client.root()


def test_server_errors_after_every_retry_are_reported(server, client) -> None:
    sandbox, _srv = server
    sandbox.settings.add_fault(
        {"status": 500, "method": "GET", "path_contains": "environments", "times": None}
    )
    with pytest.raises(ServerError, match="500"):
        client.get("/api/Spaces-1/environments/all")
    attempts = [r for r in sandbox.requests if "environments" in r.path]
    assert len(attempts) == client.retries + 1


def test_posts_are_not_retried_on_server_errors(server, client) -> None:
    sandbox, _srv = server
    sandbox.settings.add_fault({"status": 503, "method": "POST", "times": None})
    with pytest.raises(ServerError):
        client.request("POST", "/api/Spaces-1/tenants", json={"Name": "Once Only"})
    assert len([r for r in sandbox.requests if r.method == "POST"]) == 1


def test_sessions_are_per_thread_and_counts_are_shared() -> None:
    import threading

    octo = Octoflow.with_sandbox("empty")
    sessions = []

    def work() -> None:
        sessions.append(octo.client._session())
        octo.client.get("/api/spaces/all")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(s) for s in sessions}) == 4
    assert octo.client.request_count == 4


def redirecting(app, location: str):
    """``app`` behind a front end that redirects every request to ``location`` + path."""

    def front(environ, start_response):
        start_response("301 Moved Permanently", [("Location", location + environ["PATH_INFO"])])
        return [b""]

    return front


def test_a_redirect_from_https_to_http_is_refused_without_suggesting_insecure() -> None:
    octo = Octoflow.with_sandbox("demo")
    secure = IN_PROCESS_URL.replace("http://", "https://")
    adapter = SandboxAdapter(redirecting(octo.sandbox.app, IN_PROCESS_URL))
    client = OctopusClient(Connection(secure, api_key=SANDBOX_API_KEY), adapter=adapter)
    client._session().mount(IN_PROCESS_URL, SandboxAdapter(octo.sandbox.app))

    with pytest.raises(TransportError) as info:
        client.root()

    message = str(info.value)
    assert f"redirected it to plain http ({IN_PROCESS_URL}/api)" in message
    assert "--insecure" not in message
    assert octo.sandbox.requests == [], "the key never went over plain http"


def test_a_redirect_to_another_host_does_not_carry_the_key() -> None:
    octo = Octoflow.with_sandbox("demo")
    other = "http://elsewhere.octoflow.invalid"
    adapter = SandboxAdapter(redirecting(octo.sandbox.app, other))
    client = OctopusClient(Connection(IN_PROCESS_URL, api_key=SANDBOX_API_KEY), adapter=adapter)
    client._session().mount(other, SandboxAdapter(octo.sandbox.app))

    with pytest.raises(AuthenticationError):
        client.get("/api/spaces/all")
    assert [(r.path, r.status) for r in octo.sandbox.requests] == [("/api/spaces/all", 401)]


@pytest.mark.parametrize("space", ["", "   "])
def test_an_empty_space_is_an_error_not_the_default_space(server, space) -> None:
    sandbox, srv = server
    client = OctopusClient(Connection(srv.url, api_key=TEST_KEY, space=space))
    with pytest.raises(UsageError, match="the space is empty"):
        _ = client.space_id
    assert sandbox.requests == []


def test_a_failed_tls_handshake_is_not_retried(server) -> None:
    _sandbox, srv = server
    secure = srv.url.replace("http://", "https://")
    client = OctopusClient(Connection(secure, api_key=TEST_KEY), backoff_seconds=0.01)
    with pytest.raises(TransportError, match="the TLS handshake failed"):
        client.root()
    assert client.request_count == 1


def test_the_environments_proxy_and_ca_bundle_are_read_once_for_the_server(monkeypatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/example-bundle.pem")
    outside = OctopusClient(Connection("https://octopus.example", api_key=TEST_KEY))._session()
    assert outside.proxies["https"] == "http://proxy.example:3128"
    assert outside.verify == "/etc/ssl/example-bundle.pem" and not outside.trust_env
    inside = OctopusClient(Connection("https://octopus.internal.example", api_key=TEST_KEY))
    assert "https" not in inside._session().proxies


def test_verify_tls_off_stays_off_whatever_the_environment_says(monkeypatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/example-bundle.pem")
    connection = Connection("https://octopus.example", api_key=TEST_KEY, verify_tls=False)
    assert OctopusClient(connection)._session().verify is False
