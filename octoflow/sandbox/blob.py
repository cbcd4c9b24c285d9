"""A handler's binary body (e.g. a logo), served with its own content type."""

from __future__ import annotations


class Blob(bytes):
    """Bytes served as they are, with ``content_type`` as the ``Content-Type``."""

    content_type: str

    def __new__(cls, data: bytes, content_type: str) -> Blob:
        blob = super().__new__(cls, data)
        blob.content_type = content_type
        return blob
