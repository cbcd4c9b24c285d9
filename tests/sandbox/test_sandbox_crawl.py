"""Every link the demo sandbox advertises resolves, as it would on a real server.

Starting at ``/api``, the crawl follows every ``Links`` entry of the root, the
space root, each collection and a few documents of each collection, a bounded
number of times per link shape (``<id prefix>.<link name>``, e.g.
``Projects.Logo``). A link answers 2xx unless one of the tables below says what
the real server answers there instead; each table entry must be met by the
crawl, so none can go stale. A version-controlled project's links are templated
with ``{gitRef}``; the crawl expands it with the project's default branch, as
OctopusClients does when no ref is given, and a second crawl starts at each such
project so that their links are followed whatever the collection's order.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest

from octoflow.sandbox import Sandbox
from tests.sandbox.conftest import Client, in_process

#: Link shapes followed per shape (documents of a collection look alike).
PER_SHAPE = 3

#: Links a client follows with another method only: GET gets 405 and an ``Allow``
#: header naming the method swagger-2020.5.json gives for the route.
ACTIONS = {
    "root.BuildInformationBulk": "DELETE",  # DELETE /api/build-information/bulk
    "root.EnvironmentSortOrder": "PUT",  # PUT /api/environments/sortorder
    "root.TagSetSortOrder": "PUT",  # PUT /api/tagsets/sortorder
    "root.WorkerPoolsSortOrder": "PUT",  # PUT /api/workerpools/sortorder
    "root.SignIn": "POST",  # POST /api/users/login
    "Runbooks.Run": "POST",  # POST /api/runbooks/{id}/run
    "ServerTasks.Cancel": "POST",  # POST /api/tasks/{id}/cancel
    "ServerTasks.Rerun": "POST",  # POST /api/tasks/rerun/{id}
    "ServerTasks.State": "POST",  # POST /api/tasks/{id}/state
    "Interruptions.Submit": "POST",  # POST /api/interruptions/{id}/submit
    "Releases.SnapshotVariables": "POST",  # POST /api/releases/{id}/snapshot-variables
}

#: Links whose answer in the demo's state is the error the real server documents.
DOCUMENTED_ERRORS = {
    # Nobody has taken responsibility for the seeded pending interruption; the
    # sandbox answers 404 then (REFERENCE §11: the real answer is UNCONFIRMED).
    "Interruptions.Responsible": 404,
    # The template's packageId is required: swagger-2020.5.json and REFERENCE §5.4
    # ("packageId required"), 400 "No packageId parameter was provided."
    "Feeds.SearchPackageVersionsTemplate": 400,
    # ``/api/{space}/variables{/id}{?ids}`` without an id: swagger-2020.5.json has
    # only /variables/all, /names, /preview and /{id}, so a 2020.5 server has no
    # route here. UNCONFIRMED for newer servers.
    "root.Variables": 404,
}

#: Links outside the server: a user's avatar is Gravatar's, not Octopus's.
EXTERNAL = {"Users.Avatar"}


@dataclass
class Crawl:
    """What one crawl saw: the answer for each link shape it followed."""

    answers: dict[str, list[tuple[str, int, str, str]]] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)

    def add(self, shape: str, path: str, status: int, content_type: str, text: str) -> None:
        self.answers.setdefault(shape, []).append((path, status, content_type, text[:500]))


def expand(template: str, doc: dict) -> str:
    """The link with its optional parts (``{/id}``, ``{?skip,take}``) left out and a
    ``{gitRef}`` replaced by the document's default branch (a project's)."""
    branch = (doc.get("PersistenceSettings") or {}).get("DefaultBranch")
    if branch:
        template = template.replace("{gitRef}", quote(branch, safe=""))
    return re.sub(r"\{[/?][^}]*\}", "", template)


def kind_of(doc: dict) -> str:
    """``Projects`` for ``Projects-1``; ``GitRef`` for a branch, tag or commit."""
    if "CanonicalName" in doc:
        return "GitRef"
    # the built-in feed's id is ``feeds-builtin``: one shape with ``Feeds-3``
    kind = str(doc.get("Id") or "root").split("-")[0]
    return kind if kind == "root" else kind[:1].upper() + kind[1:]


def documents(body: object) -> list[dict]:
    """The document itself and the first few items of a collection or array."""
    if isinstance(body, list):
        return [d for d in body[:PER_SHAPE] if isinstance(d, dict)]
    if not isinstance(body, dict):
        return []
    items = body.get("Items") if isinstance(body.get("Items"), list) else []
    return [body] + [d for d in items[:PER_SHAPE] if isinstance(d, dict)]


def crawl(api: Client, starts: Iterable[tuple[str, str]] = (("root.Self", "/api"),)) -> Crawl:
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    result = Crawl()
    queue: deque[tuple[str, str]] = deque(starts)
    while queue:
        shape, path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = api.get(path)
        content_type = response.headers.get("Content-Type", "")
        result.add(shape, path, response.status_code, content_type, response.text)
        if response.status_code != 200 or not content_type.startswith("application/json"):
            continue
        for doc in documents(response.json()):
            kind = kind_of(doc)
            for name, template in (doc.get("Links") or {}).items():
                link = f"{kind}.{name}"
                if not isinstance(template, str):
                    continue
                if link in EXTERNAL:
                    result.skipped.add(link)
                    continue
                target = expand(template, doc)
                if "{" in target or shapes[link] >= PER_SHAPE:
                    continue
                shapes[link] += 1
                queue.append((link, target))
    return result


def unexpected_answers(crawled: Crawl) -> list[str]:
    """The links that answered other than the real server would."""
    wrong = []
    for shape, answers in sorted(crawled.answers.items()):
        expected = 405 if shape in ACTIONS else DOCUMENTED_ERRORS.get(shape)
        for path, status, _, text in answers:
            if (status >= 400) if expected is None else (status != expected):
                wrong.append(f"{shape} {path}: {status} {text}")
    return wrong


@pytest.fixture(scope="module")
def crawled(areas) -> Crawl:
    return crawl(in_process(Sandbox(areas, seed="demo")))


def test_the_crawl_reaches_every_area(crawled):
    """The crawl is not trivially green: it follows hundreds of links of many shapes."""
    assert len(crawled.answers) > 150
    for shape in ("Projects.Logo", "Machines.TasksTemplate", "Tenants.Web", "Runbooks.Self"):
        assert shape in crawled.answers, shape


@pytest.fixture(scope="module")
def crawled_cac(areas) -> Crawl:
    api = in_process(Sandbox(areas, seed="demo"))
    projects = api.get("/api/Spaces-1/projects/all").json()
    starts = [("Projects.Self", p["Links"]["Self"]) for p in projects if p["IsVersionControlled"]]
    assert len(starts) == 6
    return crawl(api, starts)


def test_the_crawl_from_version_controlled_projects_reaches_their_git_links(crawled_cac):
    for shape in (
        "Projects.Branches",
        "Projects.Tags",
        "Projects.Commits",
        "Projects.DeploymentSettings",
        "GitRef.DeploymentProcess",
        "GitRef.DeploymentSettings",
        "Deploymentprocess.Template",
        "Projects.Variables",
        "Projects.SensitiveVariables",
    ):
        assert shape in crawled_cac.answers, shape
    paths = [path for path, *_ in crawled_cac.answers["Projects.DeploymentProcess"]]
    assert paths and all(p.endswith("/main/deploymentprocesses") for p in paths)


def test_every_link_of_a_version_controlled_project_answers(crawled_cac):
    test_every_link_answers_as_the_real_server_would(crawled_cac)


def test_every_link_answers_as_the_real_server_would(crawled):
    wrong = unexpected_answers(crawled)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("shape", sorted(ACTIONS))
def test_action_links_name_their_method(crawled, areas, shape):
    path = crawled.answers[shape][0][0]
    response = in_process(Sandbox(areas, seed="demo")).get(path)
    assert response.status_code == 405
    assert response.headers["Allow"] == ACTIONS[shape]


def test_every_table_entry_is_met_by_the_crawl(crawled):
    tabled = set(ACTIONS) | set(DOCUMENTED_ERRORS)
    assert tabled <= set(crawled.answers), tabled - set(crawled.answers)
    assert crawled.skipped == EXTERNAL


def test_web_links_get_the_no_ui_page(crawled):
    web = {shape: answers for shape, answers in crawled.answers.items() if shape.endswith(".Web")}
    assert len(web) >= 10
    for shape, answers in web.items():
        for path, status, content_type, text in answers:
            assert path.startswith("/app"), (shape, path)
            assert (status, content_type) == (200, "text/html; charset=utf-8"), (shape, path)
            assert "no web UI" in text


@pytest.mark.parametrize("server_version", ["2020.5", "2022.3", "2024.1"])
def test_older_servers_link_only_routes_they_have(areas, server_version):
    """An older server never linked a route it did not have (a 2020.5 tenant has no
    ``CommonVariables`` link), so a crawl of an older profile meets no 404 either."""
    crawled = crawl(in_process(Sandbox(areas, seed="demo", server_version=server_version)))
    wrong = unexpected_answers(crawled)
    assert not wrong, "\n".join(wrong)
    assert len(crawled.answers) > 100


def test_older_servers_keep_the_links_they_had(areas):
    """Pruning leaves what the older server did link: a 2020.5 tenant keeps its
    ``Variables`` link and loses ``CommonVariables``; the stored document is untouched."""
    sandbox = Sandbox(areas, seed="demo", server_version="2020.5")
    tenant = in_process(sandbox).get("/api/Spaces-1/tenants/all").json()[0]
    assert "Variables" in tenant["Links"] and "Self" in tenant["Links"]
    assert "CommonVariables" not in tenant["Links"]
    sandbox.use_server_version("current")
    again = in_process(sandbox).get(f"/api/Spaces-1/tenants/{tenant['Id']}").json()
    assert "CommonVariables" in again["Links"]
