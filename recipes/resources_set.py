"""Set fields, and add or remove list members, on the documents of any collection.

``collection`` is the link name of the collection in the server's root document
(Lifecycles, Channels, Feeds, Environments, ProjectGroups, MachinePolicies, …);
``where`` names the documents (comma-separated names; ``*`` or left out: every one).
Each ``-p set=PATH=VALUE`` sets one field, ``-p add=PATH=VALUE`` and
``-p remove=PATH=VALUE`` change the list at PATH; repeat them for more. PATH is like
``ReleaseRetentionPolicy.QuantityToKeep`` or ``Phases[Name=Test].IsOptionalPhase``.
VALUE is read as JSON when it parses (``30``, ``true``, ``null``, ``["a"]``), else
as text. ``-p secret=PATH=NAME`` sets the secret at PATH (``Password``) to the value
of the environment variable NAME, read at apply time and never shown; a secret
already set is sent again only with ``-p rotate=true``.
"""

import json

from octoflow.errors import UsageError
from octoflow.recipe import Param

PARAMETERS = (
    Param("collection", "Link name of the collection, e.g. Lifecycles"),
    Param(
        "where",
        "Comma-separated names of the documents to change (left out or *: every one)",
        kind="list",
        default=None,
        everything="every document of the collection",
    ),
    Param("set", "PATH=VALUE: a field to set (repeat -p set= for more)", kind="repeat", default=[]),
    Param("add", "PATH=VALUE: a member to add to a list (repeatable)", kind="repeat", default=[]),
    Param(
        "remove",
        "PATH=VALUE: a member to remove from a list (repeatable)",
        kind="repeat",
        default=[],
    ),
    Param(
        "secret",
        "PATH=NAME: a secret set from the environment variable NAME at apply (repeatable)",
        kind="repeat",
        default=[],
    ),
    Param("rotate", "Send secrets again although they are set", kind="bool", default=False),
)


def statements(octo, collection, where, set, add, remove, secret, rotate):
    if not (set or add or remove or secret):
        raise UsageError(
            "resources-set needs a change: -p set=PATH=VALUE, add=, remove= or secret=PATH=NAME"
        )
    selection = octo.resources(collection)
    if where and where != ["*"]:
        selection = selection.where(name=where)
    for verb, pairs in (("set", set), ("add", add), ("remove", remove)):
        for pair in pairs:
            path, value = split_pair(verb, pair)
            selection = getattr(selection, verb)(path, value)
    for pair in secret:
        path, _, env = pair.rpartition("=")
        if not path:
            raise UsageError(f"-p secret={pair!r}: write -p secret=PATH=NAME")
        selection = selection.set_secret(path.strip(), env.strip(), rotate)
    return selection


def split_pair(verb, pair):
    """``Phases[Name=Test].Name=QA`` → the path and the value (JSON when it parses)."""
    depth = 0
    for index, char in enumerate(pair):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "=" and depth == 0:
            return pair[:index].strip(), as_value(pair[index + 1 :])
    raise UsageError(f"-p {verb}={pair!r} has no value: write -p {verb}=PATH=VALUE")


def as_value(text):
    try:
        return json.loads(text)
    except ValueError:
        return text
