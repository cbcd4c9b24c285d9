"""Worker pools and workers (REFERENCE §5.3).

A static pool holds registered workers; a dynamic pool is leased from Octopus
(its ``WorkerType`` names the image) and cannot have workers added
(``CanAddWorkers`` false). Every space has one default pool. A worker belongs
to at least one static pool.
"""

from __future__ import annotations

from typing import Any

from octoflow_plugins.targets.sandbox.endpoints import (
    FIELD_NAMES,
    canonical,
    connection,
    keep_health,
    machine_filters,
    prepare_endpoint,
    server_defaults,
    style_of,
)
from octoflow_plugins.targets.sandbox.policies import check_policy

from octoflow.sandbox.area import (
    CIDict,
    Doc,
    Request,
    Resource,
    Router,
    State,
    next_sort_order,
    page,
    register,
    register_sort_order,
)

POOL_QUERY = "{?name,skip,ids,take,partialName}"
WORKER_QUERY = (
    "{?skip,take,name,ids,partialName,isDisabled,healthStatuses,commStyles,workerPoolIds,"
    "thumbprint,shellNames}"
)
POOL_TYPES = ("StaticWorkerPool", "DynamicWorkerPool")
_SINCE = "2024-01-01T00:00:00.000+00:00"
DYNAMIC_WORKER_TYPES = (
    ("UbuntuDefault", "Ubuntu", "Ubuntu (default)"),
    ("Ubuntu2204", "Ubuntu", "Ubuntu Server 22.04"),
    ("WindowsDefault", "Windows", "Windows (default)"),
    ("Windows2022", "Windows", "Windows Server Core 2022"),
)


# -- worker pools ------------------------------------------------------------------------


def pool_defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Slug": None,
        "Description": None,
        "IsDefault": False,
        "SortOrder": 0,
        "SpaceId": None,
        "CanAddWorkers": True,
        "WorkerPoolType": "StaticWorkerPool",
        "WorkerType": None,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def pool_links(doc: Doc) -> dict[str, str]:
    base = f"/api/{doc['SpaceId']}/workerpools/{doc['Id']}"
    return {
        "Self": base,
        "Workers": base + "/workers{?skip,take}",
        "SortOrder": f"/api/{doc['SpaceId']}/workerpools/sortorder",
        "Web": f"/app#/{doc['SpaceId']}/infrastructure/workerpools/{doc['Id']}",
    }


def prepare_pool(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    if old is None and "SortOrder" not in body:
        doc["SortOrder"] = next_sort_order(req.state, "WorkerPools", req.space_id)
    kind = canonical(doc.get("WorkerPoolType") or "StaticWorkerPool", POOL_TYPES)
    doc["WorkerPoolType"] = kind
    if kind not in POOL_TYPES:
        return [f"'{kind}' is not a valid WorkerPoolType; use one of {', '.join(POOL_TYPES)}."]
    errors = []
    if old is not None and old.get("WorkerPoolType") != kind:
        errors.append("The WorkerPoolType of an existing worker pool cannot be changed.")
    if old is not None and old.get("IsDefault") and not doc.get("IsDefault"):
        errors.append("There must be a default worker pool: make another pool the default instead.")
    doc["CanAddWorkers"] = kind == "StaticWorkerPool"
    if kind == "StaticWorkerPool":
        doc["WorkerType"] = None
        return errors
    known = [t[0] for t in DYNAMIC_WORKER_TYPES]
    doc["WorkerType"] = canonical(doc.get("WorkerType"), tuple(known))
    if doc["WorkerType"] not in known:
        errors.append(
            f"'{doc['WorkerType']}' is not a dynamic worker type; use one of {', '.join(known)}."
        )
    return errors


def keep_one_default(req: Request, old: Doc | None, new: Doc | None) -> None:
    if new is None or not new.get("IsDefault"):
        return
    for pool in req.state.values("WorkerPools", new["SpaceId"]):
        if pool["Id"] != new["Id"]:
            pool["IsDefault"] = False


def pool_delete_errors(req: Request, doc: Doc) -> list[str]:
    if doc.get("IsDefault"):
        return ["The default worker pool cannot be deleted."]
    members = [w for w in req.state.values("Workers", doc["SpaceId"]) if in_pool(w, doc["Id"])]
    if members:
        return [
            f"The worker pool '{doc['Name']}' has {len(members)} worker(s); "
            "move them to another pool or delete them first."
        ]
    return []


def forget_pool(req: Request, doc: Doc) -> None:
    """Endpoints that named a deleted pool as their default fall back to the space default."""
    for collection in ("Machines", "Workers"):
        for machine in req.state.values(collection, doc["SpaceId"]):
            endpoint = machine.get("Endpoint") or {}
            if endpoint.get("DefaultWorkerPoolId") == doc["Id"]:
                endpoint["DefaultWorkerPoolId"] = None


POOLS = Resource(
    collection="WorkerPools",
    segment="workerpools",
    item_type="WorkerPool",
    noun="worker pool",
    query_template=POOL_QUERY,
    defaults=pool_defaults,
    links=pool_links,
    prepare=prepare_pool,
    delete_errors=pool_delete_errors,
    on_delete=forget_pool,
    sort_key=lambda d: (d.get("SortOrder") or 0, (d.get("Name") or "").lower()),
)


def in_pool(worker: Doc, pool_id: str) -> bool:
    return pool_id in (worker.get("WorkerPoolIds") or [])


# -- workers -----------------------------------------------------------------------------


def worker_defaults() -> Doc:
    return {
        "Id": None,
        "Name": None,
        "Slug": None,
        "SpaceId": None,
        "WorkerPoolIds": [],
        "MachinePolicyId": None,
        "Thumbprint": None,
        "Uri": None,
        "IsDisabled": False,
        **server_defaults(),
        "Endpoint": None,
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def worker_links(doc: Doc) -> dict[str, str]:
    base = f"/api/{doc['SpaceId']}/workers/{doc['Id']}"
    return {
        "Self": base,
        "Connection": base + "/connection",
        "Web": f"/app#/{doc['SpaceId']}/infrastructure/workers/{doc['Id']}",
    }


def prepare_worker(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    keep_health(doc, old)
    errors = prepare_endpoint(req.state, req.space_id, doc)
    errors += check_policy(req.state, req.space_id, doc)
    doc["WorkerPoolIds"], problems = pool_ids(req.state, req.space_id, doc["WorkerPoolIds"])
    return errors + problems


def pool_ids(state: State, space_id: str, refs: list[Any]) -> tuple[list[str], list[str]]:
    """Existing static pools for ``refs`` (ids, any case), and the problems found."""
    out: list[str] = []
    errors: list[str] = []
    for ref in refs:
        pool = state.get("WorkerPools", ref) if isinstance(ref, str) else None
        if pool is None or pool.get("SpaceId") != space_id:
            errors.append(f"The worker pool '{ref}' does not exist in {space_id}.")
        elif not pool.get("CanAddWorkers"):
            errors.append(
                f"The worker pool '{pool['Name']}' is a dynamic worker pool; "
                "workers cannot be added to it."
            )
        elif pool["Id"] not in out:
            out.append(pool["Id"])
    if not refs:
        errors.append("A worker needs at least one worker pool (WorkerPoolIds).")
    return out, errors


def worker_filters(req: Request, items: list[Doc]) -> list[Doc]:
    pools = {p.lower() for p in req.query.getlist("workerPoolIds")}
    if pools:
        items = [w for w in items if pools & {p.lower() for p in w.get("WorkerPoolIds") or []}]
    return machine_filters(req, items)


WORKERS = Resource(
    collection="Workers",
    segment="workers",
    item_type="Worker",
    noun="worker",
    query_template=WORKER_QUERY,
    defaults=worker_defaults,
    links=worker_links,
    prepare=prepare_worker,
    filters=worker_filters,
    nested_fields=FIELD_NAMES,
)


# -- extra routes ------------------------------------------------------------------------


def pool_workers(req: Request) -> Doc:
    pool = POOLS.find(req, req.path_params["id"])
    items = [w for w in WORKERS.select(req) if in_pool(w, pool["Id"])]
    base = f"/api/{req.space_id}/workerpools/{pool['Id']}/workers"
    return page(req, items, "Worker", base, "{?skip,take}")


def supported_types(req: Request) -> Doc:
    return {"Id": None, "SupportedPoolTypes": list(POOL_TYPES), "Links": {}}


def dynamic_worker_types(req: Request) -> Doc:
    types = [
        {
            "Id": worker_type,
            "Type": family,
            "Description": description,
            "StartDateUtc": _SINCE,
            "DeprecationDateUtc": None,
            "EndOfLifeDateUtc": None,
        }
        for worker_type, family, description in DYNAMIC_WORKER_TYPES
    ]
    return {"Id": None, "WorkerTypes": types, "Links": {}}


def summary(req: Request) -> Doc:
    """``GET /workerpools/summary``: worker counts overall and per pool."""
    workers = machine_filters(req, WORKERS.items(req))
    part = (req.query.get("machinePartialName") or "").lower()
    workers = [w for w in workers if part in (w.get("Name") or "").lower()]
    pools = POOLS.select(req)
    summaries = [
        {"WorkerPool": pool, **_counts([w for w in workers if in_pool(w, pool["Id"])])}
        for pool in pools
    ]
    if req.query.bool("hideEmptyWorkerPools"):
        summaries = [s for s in summaries if s["TotalMachines"]]
    return {**_counts(workers), "WorkerPoolSummaries": summaries}


def _counts(workers: list[Doc]) -> Doc:
    styles: dict[str, int] = {}
    health: dict[str, int] = {}
    for worker in workers:
        styles[style_of(worker)] = styles.get(style_of(worker), 0) + 1
        status = worker.get("HealthStatus") or "Unknown"
        health[status] = health.get(status, 0) + 1
    return {
        "MachineEndpointSummaries": styles,
        "MachineHealthStatusSummaries": health,
        "MachineIdsForCalamariUpgrade": [],
        "MachineIdsForTentacleUpgrade": [],
        "TentacleUpgradesRequired": False,
        "TotalDisabledMachines": sum(1 for w in workers if w.get("IsDisabled")),
        "TotalMachines": len(workers),
    }


def distinct(field: str) -> Any:
    """``…/operatingsystem/names/all`` and ``…/shells/all`` for workers."""

    def handler(req: Request) -> list[str]:
        values = {w.get(field) for w in WORKERS.items(req)} - {None}
        return sorted(values, key=str.lower)

    return handler


def register_routes(router: Router) -> None:
    for path, handler in (
        ("/workerpools/supportedtypes", supported_types),
        ("/workerpools/dynamicworkertypes", dynamic_worker_types),
        ("/workerpools/summary", summary),
        ("/workers/operatingsystem/names/all", distinct("OperatingSystem")),
        ("/workers/operatingsystem/shells/all", distinct("ShellName")),
    ):
        router.space("GET", path, handler)
    register_sort_order(router, "/workerpools/sortorder", "WorkerPools")
    register(router, POOLS)
    register(router, WORKERS)
    router.space("GET", "/workerpools/{id}/workers", pool_workers)
    router.space(
        "GET", "/workers/{id}/connection", lambda req: connection(req, WORKERS.get_one(req))
    )
    router.on_change("WorkerPools", keep_one_default)
    router.link("WorkerPools", "/workerpools{/id}" + POOL_QUERY)
    router.link("WorkerPoolsSortOrder", "/workerpools/sortorder")
    router.link("WorkerPoolsSupportedTypes", "/workerpools/supportedtypes")
    router.link("WorkerPoolsDynamicWorkerTypes", "/workerpools/dynamicworkertypes")
    router.link(
        "WorkerPoolsSummary",
        "/workerpools/summary{?ids,partialName,machinePartialName,isDisabled,healthStatuses,"
        "commStyles,hideEmptyWorkerPools,shellNames}",
    )
    router.link("Workers", "/workers{/id}" + WORKER_QUERY)
    router.link("WorkerOperatingSystems", "/workers/operatingsystem/names/all")
    router.link("WorkerShells", "/workers/operatingsystem/shells/all")


def insert_default_pool(state: State, space_id: str) -> Doc:
    return POOLS.insert(
        state,
        space_id,
        {
            "Name": "Default Worker Pool",
            "IsDefault": True,
            "SortOrder": 0,
            "Description": "Workers used when a step names no pool.",
        },
    )
