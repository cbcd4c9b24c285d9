"""The router: a fixed sub-path is never read as an id."""

from __future__ import annotations

import pytest

from octoflow.sandbox.errors import SandboxError
from octoflow.sandbox.router import Router


def _router() -> Router:
    router = Router()
    router.space("GET", "/environments/{id}", lambda req: "get")
    router.space("PUT", "/environments/{id}", lambda req: "put")
    router.space("PUT", "/environments/sortorder", lambda req: "sort")
    router.space("GET", "/environments/all", lambda req: "all")
    return router


def test_a_literal_route_under_another_method_is_405_not_the_parameter_route():
    with pytest.raises(SandboxError) as caught:
        _router().match("GET", "/api/Spaces-1/environments/sortorder")
    assert caught.value.status == 405
    assert caught.value.headers == {"Allow": "PUT"}


def test_the_literal_route_still_answers_its_own_method():
    match = _router().match("PUT", "/api/Spaces-1/environments/SortOrder")
    assert match.route.handler(None) == "sort"
    assert match.params == {"spaceId": "Spaces-1"}


def test_parameter_routes_answer_everything_else():
    router = _router()
    match = router.match("GET", "/api/environments/Environments-1")
    assert (match.route.handler(None), match.params) == ("get", {"id": "Environments-1"})
    assert router.match("GET", "/api/Spaces-1/environments/all").route.handler(None) == "all"
    with pytest.raises(SandboxError) as caught:
        router.match("DELETE", "/api/Spaces-1/environments/Environments-1")
    assert (caught.value.status, caught.value.headers) == (405, {"Allow": "GET, PUT"})
