"""Reading a request's version and header block without the ``email`` package.

``http.server`` hands the header block to ``email.parser``, whose feed parser was a
fifth of the sandbox's CPU per request under a busy apply. Request headers need none
of what it does beyond splitting ``Name: value`` lines, so this reads them with the
same limits (line length, number of headers) into the same ``HTTPMessage`` type.
"""

from __future__ import annotations

import http.client
from typing import BinaryIO

#: The limits ``http.client`` applies to a header block.
MAX_LINE = 65536
MAX_HEADERS = 100


class HeaderError(Exception):
    """A header block over the limits: the server answers 431."""


def read_headers(stream: BinaryIO) -> http.client.HTTPMessage:
    """The headers up to the blank line ending them. A line starting with a space or a
    tab continues the previous header (obsolete line folding); a line without a colon
    is ignored."""
    message = http.client.HTTPMessage()
    name = value = None
    for _ in range(MAX_HEADERS + 1):
        line = stream.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise HeaderError("header line too long")
        if line in (b"\r\n", b"\n", b""):
            if name is not None:
                message[name] = value
            return message
        text = line.decode("iso-8859-1").rstrip("\r\n")
        if text[:1] in (" ", "\t") and name is not None:
            value = f"{value}\r\n{text}"
            continue
        if name is not None:
            message[name] = value
            name = None
        found, colon, rest = text.partition(":")
        if colon:
            name, value = found, rest.lstrip(" \t")
    raise HeaderError(f"got more than {MAX_HEADERS} headers")


def version_number(text: str) -> tuple[int, int] | None:
    """``HTTP/1.1`` → ``(1, 1)``, read as ``http.server`` reads it; None if malformed."""
    if not text.startswith("HTTP/"):
        return None
    parts = text[5:].split(".")
    if len(parts) != 2 or not all(p.isdigit() and len(p) <= 10 for p in parts):
        return None
    return int(parts[0]), int(parts[1])
