"""API keys under a user: ``/api/users/{userId}/apikeys`` (REFERENCE §12.1).

The plain key is in the create response only. The sandbox stores a SHA-256
hash of it (in ``ApiKeyHashes``, beside the served documents in ``ApiKeys``)
and accepts the key on every request for as long as the key exists, has not
expired and its user is active. What the key may do then depends on the
user's teams and their roles (see ``permissions``).
"""

from __future__ import annotations

import hashlib
import secrets
import string
from datetime import datetime, timezone
from typing import Any

from octoflow.sandbox.area import (
    Doc,
    Request,
    Router,
    SandboxError,
    State,
    invalid,
    not_found,
    page,
)

KEYS, HASHES = "ApiKeys", "ApiKeyHashes"
NOT_THEIRS = "This ApiKey does not belong to the specified user."
_ALPHABET = string.ascii_uppercase + string.digits


def _user(req: Request) -> Doc:
    user = req.state.get("Users", req.path_params["userId"])
    if user is None:
        raise not_found(req.path_params["userId"])
    return user


def _key(req: Request, user: Doc) -> Doc:
    doc = req.state.get(KEYS, req.path_params["id"])
    if doc is None:
        raise not_found(req.path_params["id"])
    if doc["UserId"] != user["Id"]:
        raise SandboxError(400, NOT_THEIRS, errors=[NOT_THEIRS])
    return doc


def list_keys(req: Request) -> Doc:
    user = _user(req)
    mine = [k for k in req.state.values(KEYS) if k["UserId"] == user["Id"]]
    newest_first = sorted(mine, key=lambda k: int(k["Id"].rsplit("-", 1)[1]), reverse=True)
    return page(req, newest_first, "ApiKey", f"/api/users/{user['Id']}/apikeys", "{?skip,take}")


def get_key(req: Request) -> Doc:
    return _key(req, _user(req))


def create_key(req: Request) -> Doc:
    """A new key for the user; the only response that ever holds the key itself."""
    user = _user(req)
    body = req.json_object()
    purpose = body.get("Purpose")
    if not isinstance(purpose, str) or not purpose.strip():
        raise invalid("The Purpose field is required.")
    expires = _expiry(body.get("Expires"))
    plain = "API-" + "".join(secrets.choice(_ALPHABET) for _ in range(27))
    doc: Doc = {
        "Id": req.state.next_id(KEYS),
        "Purpose": purpose,
        "UserId": user["Id"],
        "ApiKey": {"HasValue": True, "NewValue": None},
        "Created": req.state.now(),
        "Expires": expires,
    }
    req.state.stamp(doc)
    doc["Links"] = {"Self": f"/api/users/{user['Id']}/apikeys/{doc['Id']}", "User": _self(user)}
    req.state.put(KEYS, doc)
    req.state.put(HASHES, {"Id": doc["Id"], "Hash": _digest(plain)})
    return dict(doc, ApiKey=plain)


def delete_key(req: Request) -> tuple[int, None]:
    doc = _key(req, _user(req))
    req.state.remove(KEYS, doc["Id"])
    req.state.remove(HASHES, doc["Id"])
    return 200, None


def key_owner(state: State, key: str) -> str | None:
    """The id of the active user an unexpired key the sandbox issued belongs to."""
    digest = _digest(key)
    for stored in state.values(HASHES):
        if secrets.compare_digest(stored["Hash"], digest):
            doc = state.get(KEYS, stored["Id"])
            user = state.get("Users", doc["UserId"]) if doc else None
            if user is None or not user.get("IsActive") or _expired(doc):
                return None
            return str(user["Id"])
    return None


def forget_user(req: Request, old: Doc | None, new: Doc | None) -> None:
    """A deleted user's keys go with them."""
    if new is not None or old is None:
        return
    for doc in [k for k in req.state.values(KEYS) if k["UserId"] == old["Id"]]:
        req.state.remove(KEYS, doc["Id"])
        req.state.remove(HASHES, doc["Id"])


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _self(user: Doc) -> str:
    return f"/api/users/{user['Id']}"


def _expiry(value: Any) -> str | None:
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise invalid(f"The value '{value}' is not a valid date for Expires.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.isoformat(timespec="milliseconds")


def _expired(doc: Doc | None) -> bool:
    expires = (doc or {}).get("Expires")
    return bool(expires) and datetime.fromisoformat(expires) <= datetime.now(timezone.utc)


def register_routes(router: Router) -> None:
    router.system("GET", "/users/{userId}/apikeys", list_keys)
    router.system("POST", "/users/{userId}/apikeys", create_key)
    router.system("GET", "/users/{userId}/apikeys/{id}", get_key)
    router.system("DELETE", "/users/{userId}/apikeys/{id}", delete_key)
    router.key_owner(key_owner)
    router.add_field_names(("Purpose", "Expires"))
