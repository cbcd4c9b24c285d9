"""When the routes the 2020.5 server did not have came to Octopus Server.

Keys are ``METHOD /path`` after ``/api`` and the space (``/api/{spaceId}/x``,
``/api/x`` and ``/api/spaces/{ref}/x`` are all ``/x``); parameter names do not
matter. A route the sandbox registers must be either in ``2020.5-routes.txt``
or here (``tests/sandbox/test_profiles.py`` fails naming any that is neither).
Each entry says where its version comes from; UNCONFIRMED marks a version that
is the oldest evidence found rather than a documented release, so an older
profile leaves the route out.
"""

from __future__ import annotations

from octoflow.serverversions import FEATURES

#: The ``/api/spaces/{spaceIdOrSlug}/…`` URL form of every space-scoped route.
#: UNCONFIRMED: absent from the 2020.5 export; the oldest client use found is
#: go-octopusdeploy 2025-08 (live status, fe63e87d); the generated API reference
#: pages (2026) document it as "Also reachable at".
SPACE_REF_FORM = "2025.1"

# Sources named below, with the snapshot read:
#   TS  OctopusDeploy/api-client.ts at f0635e0e (2026-07-24)
#   GO  OctopusDeploy/go-octopusdeploy at 6b6d8bdf (2026-08-21)
#   DOC octopus.com/docs pages named in the entry
_EXECUTIONS_API = FEATURES["executions API"]  # TS: ensureServerVersionAtLeast(…"2022.3.5512")
_PROJECT_PROCESS = "2021.2"  # UNCONFIRMED: TS uses it from its first commit (cac9386, 2021-09)
_CAC = FEATURES["version-controlled projects"]  # OctopusClients: firstCaCVersion = 2021.3.2066
# UNCONFIRMED: creating a branch from octoflow's API; go-octopusdeploy's v2 route is the
# only form found. Built-in branch protection came in 2022.4 (help.octopus.com, 2023).
_CAC_BRANCH_CREATE = FEATURES["git branch creation"]
_CAC_RUNBOOKS = FEATURES["runbooks in Git"]
# The blog post announcing Git variables names the 2022.3 release.
_CAC_VARIABLES = "2022.3"
_TENANT_VARIABLES_V2 = FEATURES["tenant common and project variable routes"]  # GO cd949c93
_FREEZES = FEATURES["deployment freezes"]

INTRODUCED: dict[str, str] = {
    # Executions API. TS releaseRepository.ts, deploymentRepository.ts and
    # runbookRunRepository.ts refuse servers older than 2022.3.5512.
    "POST /releases/create/v1": _EXECUTIONS_API,
    "POST /deployments/create/untenanted/v1": _EXECUTIONS_API,
    "POST /deployments/create/tenanted/v1": _EXECUTIONS_API,
    "POST /runbook-runs/create/v1": _EXECUTIONS_API,
    # TS capability.ts: a server without it "will need to upgrade it at least 2022.3".
    "GET /capabilities": FEATURES["capabilities API"],
    # Project-scoped process alias, brought by Config as Code.
    "GET /projects/{id}/deploymentprocesses": _PROJECT_PROCESS,
    "PUT /projects/{id}/deploymentprocesses": _PROJECT_PROCESS,
    "GET /projects/{id}/deploymentprocesses/template": _PROJECT_PROCESS,
    # UNCONFIRMED: deployment settings became their own document with Config as Code;
    # the project-scoped runbook route is of the same family (TS projects/runbooks).
    "GET /projects/{id}/deploymentsettings": _PROJECT_PROCESS,
    "PUT /projects/{id}/deploymentsettings": _PROJECT_PROCESS,
    "GET /projects/{id}/runbooks/{id}": _PROJECT_PROCESS,
    # Config as Code (git refs). UNCONFIRMED for all but the process routes: the oldest
    # evidence is the first CaC server OctopusClients accepts.
    "GET /projects/{id}/{gitRef}/deploymentprocesses": _CAC,
    "PUT /projects/{id}/{gitRef}/deploymentprocesses": _CAC,
    "GET /projects/{id}/{gitRef}/deploymentprocesses/template": _CAC,
    "GET /projects/{id}/{gitRef}/deploymentsettings": _CAC,
    "PUT /projects/{id}/{gitRef}/deploymentsettings": _CAC,
    "GET /projects/{id}/git/branches": _CAC,
    "GET /projects/{id}/git/branches/{id}": _CAC,
    "GET /projects/{id}/git/tags": _CAC,
    "GET /projects/{id}/git/tags/{id}": _CAC,
    "GET /projects/{id}/git/commits": _CAC,
    "GET /projects/{id}/git/commits/{id}": _CAC,
    "POST /projects/{id}/git/branches/v2": _CAC_BRANCH_CREATE,
    # Variables in Git, and the project-scoped database route beside them (Octopus blog
    # "Config as Code variables" and go-octopusdeploy ProjectVariablesByGitRef).
    "GET /projects/{id}/{gitRef}/variables": _CAC_VARIABLES,
    "PUT /projects/{id}/{gitRef}/variables": _CAC_VARIABLES,
    "GET /projects/{id}/variables": _CAC_VARIABLES,
    "PUT /projects/{id}/variables": _CAC_VARIABLES,
    "GET /projects/{id}/git/migrate-variables": _CAC_VARIABLES,
    "POST /projects/{id}/git/migrate-variables": _CAC_VARIABLES,
    # DOC runbooks/config-as-code-runbooks: "rolling out to Octopus Cloud as of Q1 2025".
    "GET /projects/{id}/{gitRef}/runbooks": _CAC_RUNBOOKS,
    "GET /projects/{id}/{gitRef}/runbooks/{id}": _CAC_RUNBOOKS,
    "PUT /projects/{id}/{gitRef}/runbooks/{id}": _CAC_RUNBOOKS,
    "GET /projects/{id}/{gitRef}/runbookProcesses/{id}": _CAC_RUNBOOKS,
    "PUT /projects/{id}/{gitRef}/runbookProcesses/{id}": _CAC_RUNBOOKS,
    "POST /projects/{id}/{gitRef}/runbooks/{id}/run/v1": _CAC_RUNBOOKS,
    "POST /runbook-runs/git/create/v1": _CAC_RUNBOOKS,
    # Tenant variables, one document per kind. UNCONFIRMED: GO added them 2025-02; scoping
    # of common variables shipped in 2025.2 (OctopusDeploy/Issues#9414); GO deprecated the
    # single /tenants/{id}/variables route for them in 2026-01 (38f04ffd).
    "GET /tenants/{id}/commonvariables": _TENANT_VARIABLES_V2,
    "PUT /tenants/{id}/commonvariables": _TENANT_VARIABLES_V2,
    "POST /tenants/{id}/commonvariables": _TENANT_VARIABLES_V2,
    "GET /tenants/{id}/projectvariables": _TENANT_VARIABLES_V2,
    "PUT /tenants/{id}/projectvariables": _TENANT_VARIABLES_V2,
    "POST /tenants/{id}/projectvariables": _TENANT_VARIABLES_V2,
    # UNCONFIRMED: TS added environments/v2 with ephemeral environments (4465f36, 2025-10).
    "GET /environments/v2": "2025.4",
    # DOC deployments/deployment-freezes: "available for early access from Octopus Deploy 2024.2".
    "GET /deploymentfreezes": _FREEZES,
    "POST /deploymentfreezes": _FREEZES,
    "GET /deploymentfreezes/{id}": _FREEZES,
    "PUT /deploymentfreezes/{id}": _FREEZES,
    "DELETE /deploymentfreezes/{id}": _FREEZES,
    # UNCONFIRMED: the 2020.5 export has only /progression/{projectId}; the project-scoped
    # form is in the current generated reference (progression.md), no older source found.
    "GET /projects/{id}/progression": "2026.1",
    # UNCONFIRMED: "/all" of these two collections is not in the 2020.5 export and no
    # source dates it; the current sandbox serves it like every other collection's.
    "GET /runbooksnapshots/all": "2026.1",
    "GET /scopeduserroles/all": "2026.1",
    "GET /projecttriggers/all": "2026.1",
    # UNCONFIRMED: a trigger's Self link in the current generated reference; the 2020.5
    # export serves triggers at /projecttriggers/{id} only.
    "GET /projects/{id}/triggers/{id}": "2026.1",
}
