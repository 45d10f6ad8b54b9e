"""Files sent to a browser: which open in place, and a Content-Disposition that is safe."""

from __future__ import annotations

import re
from urllib.parse import quote

# Types a browser shows by itself without running anything of the file's. Anything else
# (XML, HTML, TIFF, an unknown type) is downloaded, never rendered on this site's origin.
INLINE_TYPES = frozenset({"application/pdf", "text/plain", "image/png", "image/jpeg"})
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9 ._()\-]")


def content_disposition(filename: str, *, inline: bool) -> str:
    """`inline` or `attachment` with the name: a plain ASCII one, and the UTF-8 one (RFC 6266)."""
    disposition = "inline" if inline else "attachment"
    plain = _NOT_ASCII_SAFE.sub("_", filename).strip(" .") or "document"
    header = f'{disposition}; filename="{plain}"'
    if plain != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def delivery(filename: str, content_type: str) -> tuple[str, dict[str, str]]:
    """The media type to send a stored file with, and its Content-Disposition header."""
    media_type = content_type.split(";")[0].strip().lower()
    inline = media_type in INLINE_TYPES
    if not inline:
        media_type = "application/octet-stream"
    return media_type, {"Content-Disposition": content_disposition(filename, inline=inline)}
