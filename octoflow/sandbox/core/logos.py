"""Logos of projects, tenants, spaces and step templates (``GET/PUT/POST …/{id}/logo``).

A real server answers the logo image (swagger-2020.5.json: ``"type": "file"``),
a generated default until one is uploaded, and accepts an upload by ``PUT`` or
``POST`` (200, no body; 400 "Invalid image provided."). The sandbox keeps an
upload in the ``Logos`` collection (``logo-<document id>``, base64) and serves
a small grey PNG otherwise. Real servers take a multipart form upload; the
sandbox also takes the image as the raw body.
"""

from __future__ import annotations

import base64
import struct
import zlib

from octoflow.sandbox.blob import Blob
from octoflow.sandbox.crud import Resource
from octoflow.sandbox.errors import invalid
from octoflow.sandbox.request import Request
from octoflow.sandbox.router import Router

#: Leading bytes of the image formats accepted, and their content types.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
INVALID_IMAGE = "Invalid image provided."


def _png(width: int, height: int, grey: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes([grey]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


DEFAULT_LOGO = _png(16, 16, 0xC0)


def image_type(data: bytes) -> str | None:
    """The content type of a PNG, JPEG, GIF or SVG image, else None."""
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in head:
        return "image/svg+xml"
    return None


def uploaded_image(body: bytes) -> bytes:
    """The image in a raw body or in the first part of a multipart form."""
    if body.startswith(b"--"):
        boundary = body.split(b"\r\n", 1)[0]
        part = body[len(boundary) :].split(boundary, 1)[0]
        content = part.split(b"\r\n\r\n", 1)[-1]
        return content[:-2] if content.endswith(b"\r\n") else content
    return body


def register_logo(router: Router, resource: Resource, template: str | None = None) -> None:
    """``GET``, ``PUT`` and ``POST`` ``/<segment>/{id}/logo`` for ``resource``'s documents."""
    path = template or f"/{resource.segment}/{{id}}/logo"
    add = router.space if resource.space_scoped else router.system

    def get(req: Request) -> Blob:
        doc = resource.find(req, req.path_params["id"])
        stored = req.state.get("Logos", f"logo-{doc['Id']}")
        if stored is None:
            return Blob(DEFAULT_LOGO, "image/png")
        return Blob(base64.b64decode(stored["Data"]), stored["ContentType"])

    def upload(req: Request) -> None:
        doc = resource.find(req, req.path_params["id"])
        image = uploaded_image(req.body_bytes)
        content_type = image_type(image)
        if content_type is None:
            raise invalid(INVALID_IMAGE)
        data = base64.b64encode(image).decode("ascii")
        req.state.put(
            "Logos", {"Id": f"logo-{doc['Id']}", "ContentType": content_type, "Data": data}
        )

    add("GET", path, get)
    add("PUT", path, upload)
    add("POST", path, upload)
