"""Delete the named documents of any collection.

``collection`` is the link name of the collection in the server's root document
(Lifecycles, Channels, Feeds, …); ``where`` names the documents to delete
(comma-separated). It is required: a delete without a selection is refused, and
``-p where=*`` (every document of the collection) is a wide change that apply refuses
without ``--allow-wide``.
"""

from octoflow.recipe import Param

PARAMETERS = (
    Param("collection", "Link name of the collection, e.g. Feeds"),
    Param(
        "where",
        "Comma-separated names of the documents to delete (* for every one)",
        kind="list",
        everything="every document of the collection",
    ),
)


def statements(octo, collection, where):
    selection = octo.resources(collection)
    if where != ["*"]:
        selection = selection.where(name=where)
    return selection.delete()
