"""The control plane on the reserved ``/_sandbox/`` prefix (needs a valid API key).

Tests and people steer the sandbox through these routes, never through
private imports: reset to a seed, dump or save the state, change the knobs,
read or clear the request log.
"""

from __future__ import annotations

from typing import Any

from octoflow.sandbox.errors import invalid
from octoflow.sandbox.profiles import PROFILE_NAMES
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router
from octoflow.sandbox.seeds import SEED_NAMES


def reset(req: Request) -> dict[str, Any]:
    body = req.raw_json() if req.has_body else {}
    if not isinstance(body, dict):
        raise invalid('The body must be a JSON object such as {"seed": "demo"}.')
    seed = body.get("seed") or req.sandbox.default_seed
    if seed not in SEED_NAMES:
        raise invalid(f"Unknown seed {seed!r}; use one of {', '.join(SEED_NAMES)}.")
    req.sandbox.reset(seed)
    return {"seed": seed, "counts": counts(req)}


def counts(req: Request) -> dict[str, int]:
    return {name: len(docs) for name, docs in sorted(req.state.collections.items())}


def state(req: Request) -> dict[str, Any]:
    return req.sandbox.dump()


def save(req: Request) -> dict[str, Any]:
    path = req.sandbox.state_file
    if path is None:
        raise invalid("This sandbox has no state file: start it with seed=<path to a .json file>.")
    req.sandbox.save(path)
    return {"path": str(path)}


def get_settings(req: Request) -> dict[str, Any]:
    return {**req.sandbox.settings.to_json(), "server_version": req.sandbox.profile.name}


def put_settings(req: Request) -> dict[str, Any]:
    """The knobs, and ``server_version``: the Octopus release to answer as (its routes)."""
    body = req.raw_json()
    version = body.pop("server_version", None) if isinstance(body, dict) else None
    if version is not None and version not in PROFILE_NAMES:
        raise invalid(f"server_version must be one of {', '.join(PROFILE_NAMES)}, not {version!r}.")
    req.sandbox.settings.update(body)
    if version is not None:
        req.sandbox.use_server_version(version)
    return get_settings(req)


def get_requests(req: Request) -> list[dict[str, Any]]:
    return [r._asdict() for r in req.sandbox.requests]


def clear_requests(req: Request) -> tuple[int, None]:
    req.sandbox.clear_requests()
    return 200, None


def register_control(router: Router) -> None:
    router.control("POST", "/reset", reset)
    router.control("GET", "/state", state)
    router.control("POST", "/save", save)
    router.control("GET", "/settings", get_settings)
    router.control("PUT", "/settings", put_settings)
    router.control("GET", "/requests", get_requests)
    router.control("DELETE", "/requests", clear_requests)
