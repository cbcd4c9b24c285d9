"""The resources provider's static table of collections stays in step with the links the
sandbox serves: each kind it registers is linked, scoped as linked, listed with ``/all``
and written by id; every other linked collection of documents is named as not written."""

from __future__ import annotations

import re

import pytest
from octoflow_plugins.resources.kinds import COLLECTIONS, KINDS, NOT_WRITABLE

from octoflow.plugin import BLOCK_ENV, REQUIRED_PROVIDERS, find_entry_points
from octoflow.session import Octoflow

SCOPED = "/api/Spaces-1/"


@pytest.fixture
def links(monkeypatch) -> dict[str, str]:
    """The root links of a demo sandbox of the built-in providers alone: a third-party
    plugin installed beside them (docs/examples/octoflow-freezes) may serve more."""
    others = set(find_entry_points()) - REQUIRED_PROVIDERS
    monkeypatch.setenv(BLOCK_ENV, ",".join(sorted(others)))
    return Octoflow.with_sandbox("demo").client.get("/api")["Links"]


def test_every_kind_is_registered_under_its_link_name(octo) -> None:
    assert [k.name for k in KINDS] == list(COLLECTIONS)
    for kind in KINDS:
        assert octo.registry.resource_kind(kind.name) == kind
        assert octo.registry.contributed_by("resource kind", kind.name) == "resources"


@pytest.mark.parametrize("link", sorted(COLLECTIONS))
def test_each_collection_is_linked_scoped_as_the_table_says_and_routed(
    octo, octo_sandbox, links, link
) -> None:
    segment, scoped = COLLECTIONS[link]
    base = SCOPED if scoped else "/api/"
    # Root documents link feeds at the /api/feeds alias (the default space): the table,
    # not the link's form, says a collection lives in a space.
    alias = "/api/" if link == "Feeds" else base
    assert links[link].startswith(f"{alias}{segment}{{/id}}"), links[link]
    listed = octo.client.get(f"{base}{segment}/all")
    assert isinstance(listed, list)
    assert all("Id" in d and "Name" in d for d in listed)
    for method in ("GET", "PUT", "DELETE"):
        octo_sandbox.router.match(method, f"{base}{segment}/Some-1")  # raises when unrouted


def test_every_linked_collection_of_documents_is_written_or_named_as_not(links) -> None:
    collections = {name for name, href in links.items() if re.search(r"\{/id\}", href)}
    unaccounted = collections - set(COLLECTIONS) - set(NOT_WRITABLE)
    assert not unaccounted, f"add these to COLLECTIONS or NOT_WRITABLE: {sorted(unaccounted)}"
    assert not set(COLLECTIONS) & set(NOT_WRITABLE)
    assert set(NOT_WRITABLE) <= collections, sorted(set(NOT_WRITABLE) - collections)
