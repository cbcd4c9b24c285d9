"""Users in the sandbox: ``/api/users`` (REFERENCE §12.1), ``/users/me`` and signing in.

``Password`` is write-only, as on a real server: it is never stored in the user
document or echoed. The sandbox keeps a salted hash beside the document (in
``UserPasswords``), and ``POST /api/users/login`` checks it, so a client can
prove that a password it set works.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from octoflow.sandbox.area import (
    CIDict,
    Doc,
    Request,
    Resource,
    SandboxError,
    State,
    invalid,
    not_found,
)

USER_QUERY = "{?skip,take,ids,filter}"
PASSWORDS = "UserPasswords"
#: The built-in administrator the sandbox's own API keys act as.
ADMIN_USERNAME = "admin"
SERVICE_PASSWORD = "Passwords cannot be set for service user accounts."
RESERVED = "Username is reserved and can't be used to create new users."
RESERVED_USERNAMES = frozenset({"system", "octopus"})
BAD_LOGIN = "Invalid username or password."
MAX_LENGTH = 64
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def defaults() -> Doc:
    return {
        "Id": None,
        "Username": None,
        "DisplayName": None,
        "EmailAddress": None,
        "IsActive": True,
        "IsService": False,
        "IsRequestor": False,
        "CanPasswordBeEdited": True,
        "Identities": [],
        "LastModifiedOn": None,
        "LastModifiedBy": None,
        "Links": {},
    }


def links(doc: Doc) -> dict[str, str]:
    base = f"/api/users/{doc['Id']}"
    email = (doc.get("EmailAddress") or "").strip().lower()
    avatar = hashlib.md5(email.encode(), usedforsecurity=False).hexdigest()
    return {
        "Self": base,
        "Permissions": base + "/permissions",
        "PermissionsConfiguration": base + "/permissions/configuration",
        "ApiKeys": base + "/apikeys{/id}{?skip,take}",
        "Teams": base + "/teams",
        "Avatar": f"https://www.gravatar.com/avatar/{avatar}?d=blank",
    }


def by_username(doc: Doc) -> tuple[str, str]:
    return ((doc.get("Username") or "").lower(), doc["Id"] or "")


def find_by_username(state: State, username: str) -> Doc | None:
    wanted = username.lower()
    return next(
        (u for u in state.values("Users") if (u.get("Username") or "").lower() == wanted), None
    )


class UserResource(Resource):
    """Users are system-wide, named by ``Username`` and listed by username."""

    def select(self, req: Request) -> list[Doc]:
        items = self.items(req)
        ids = {i.lower() for i in req.query.getlist("ids")}
        if ids:
            items = [u for u in items if u["Id"].lower() in ids]
        text = (req.query.get("filter") or "").lower()
        if text:
            fields = ("Username", "DisplayName", "EmailAddress")
            items = [u for u in items if any(text in (u.get(f) or "").lower() for f in fields)]
        return sorted(items, key=by_username)

    def name_errors(self, req: Request, doc: Doc) -> list[str]:
        return []  # users have no Name; ``validate`` checks Username instead

    def create(self, req: Request) -> tuple[int, Doc]:
        password = _take_password(req)
        if str(req.json_object().get("Username") or "").lower() in RESERVED_USERNAMES:
            raise SandboxError(400, RESERVED, errors=[RESERVED])
        status, doc = super().create(req)
        if password is not None:
            set_password(req.state, doc["Id"], password)
        return status, doc

    def update(self, req: Request) -> Doc:
        password = _take_password(req)
        doc = super().update(req)
        if password is not None:
            set_password(req.state, doc["Id"], password)
        return doc


def _take_password(req: Request) -> str | None:
    """Remove the write-only ``Password`` from the body; refuse it for service accounts."""
    body = req.json_object()
    password = body.pop("Password", None)
    if password is None:
        return None
    service = body.get("IsService")
    if service is None and req.method == "PUT":
        old = req.state.get("Users", req.path_params.get("id"))
        service = bool(old and old.get("IsService"))
    if service:
        raise SandboxError(400, SERVICE_PASSWORD, errors=[SERVICE_PASSWORD])
    if not isinstance(password, str) or not password:
        raise invalid("The Password field must be a non-empty string.")
    return password


def validate(req: Request, doc: Doc, old: Doc | None) -> list[str]:
    errors = _text_errors(doc, "Username") + _text_errors(doc, "DisplayName")
    username = doc.get("Username")
    if isinstance(username, str) and username.strip():
        clash = find_by_username(req.state, username)
        if clash is not None and clash["Id"] != doc["Id"]:
            errors.append(f"A user with the username '{username}' already exists.")
    email = doc.get("EmailAddress")
    if email not in (None, "") and (not isinstance(email, str) or not _EMAIL.match(email)):
        errors.append("The EmailAddress field is not a valid e-mail address.")
    elif isinstance(email, str) and len(email) > 256:
        errors.append("The field EmailAddress must be a string with a maximum length of 256.")
    if old is not None and bool(old.get("IsService")) != bool(doc.get("IsService")):
        errors.append("A user cannot be changed between a service account and a person.")
    return errors


def _text_errors(doc: Doc, field: str) -> list[str]:
    value = doc.get(field)
    if not isinstance(value, str) or not value.strip():
        return [f"The {field} field is required."]
    if len(value) > MAX_LENGTH:
        return [f"The field {field} must be a string with a maximum length of {MAX_LENGTH}."]
    return []


def prepare(req: Request, doc: Doc, old: Doc | None, body: CIDict) -> list[str]:
    doc["CanPasswordBeEdited"] = not doc.get("IsService")
    return []


# -- passwords --------------------------------------------------------------------------


def set_password(state: State, user_id: str, password: str) -> None:
    salt = secrets.token_hex(8)
    state.put(PASSWORDS, {"Id": user_id, "Salt": salt, "Hash": _hash(salt, password)})


def password_matches(state: State, user_id: str, password: str) -> bool:
    stored = state.get(PASSWORDS, user_id)
    if stored is None:
        return False
    return secrets.compare_digest(stored["Hash"], _hash(stored["Salt"], password))


def _hash(salt: str, password: str) -> str:
    return hashlib.sha256(f"{salt}:{password}".encode()).hexdigest()


# -- extra routes ------------------------------------------------------------------------


def me(req: Request) -> Doc:
    """The user the API key belongs to; the sandbox's own keys act as ``admin``."""
    if req.user_id is not None:
        return USERS.find(req, req.user_id)
    admin = find_by_username(req.state, ADMIN_USERNAME)
    if admin is None:
        raise not_found("users/me")
    return admin


def login(req: Request) -> Doc:
    """``POST /api/users/login`` with ``Username`` and ``Password``: the user, if they match."""
    body = req.json_object()
    user = find_by_username(req.state, str(body.get("Username") or ""))
    password = body.get("Password")
    if user is None or not isinstance(password, str):
        raise SandboxError(400, BAD_LOGIN, errors=[BAD_LOGIN])
    if not password_matches(req.state, user["Id"], password) or not user.get("IsActive"):
        raise SandboxError(400, BAD_LOGIN, errors=[BAD_LOGIN])
    return user


def forget_user(req: Request, old: Doc | None, new: Doc | None) -> None:
    if new is None and old is not None:
        req.state.remove(PASSWORDS, old["Id"])


USERS = UserResource(
    collection="Users",
    segment="users",
    item_type="User",
    noun="user",
    query_template=USER_QUERY,
    defaults=defaults,
    links=links,
    validate=validate,
    prepare=prepare,
    sort_key=by_username,
    name_scope=None,
    space_scoped=False,
    has_slug=False,
    nested_fields=("Password", "RememberMe"),
)
