"""A Markdown reader whose output is NFC and sanitized, and whose metadata is text."""

import os

from markupsafe import Markup, escape
from pelican.readers import MarkdownReader
from pelican.utils import SafeDatetime
from portal.checks import MAX_BYTES, too_large
from vietnamese import dates
from vietnamese.text import nfc

from .sanitize import sanitize


def parse_date(value: str) -> SafeDatetime:
    """The date an editor wrote (:func:`vietnamese.dates.parse_date`: the one
    rule ``make check`` applies too), as Pelican's own date type."""
    moment = dates.parse_date(value)
    return SafeDatetime.combine(moment.date(), moment.timetz())


def _nfc_value(value):
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_nfc_value(item) for item in value]
    return value


class SafeMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, made safe for HTML pasted in by editors.

    - the body is converted to NFC and cleaned by :func:`sanitize`;
    - every metadata value is NFC text; ``summary`` is escaped, never HTML
      (set ``FORMATTED_FIELDS = []`` so Pelican does not render it first).
    """

    def process_metadata(self, name, value):
        value = _nfc_value(value)
        if name == "summary" and isinstance(value, str):
            # Markup so templates can treat written and generated summaries
            # alike (``|striptags``) without ever interpreting editor HTML.
            return Markup(escape(value))
        if name == "date" and isinstance(value, str):
            return parse_date(value)  # DateError: Pelican reports the file
        return super().process_metadata(name, value)

    def read(self, source_path):
        """Pelican's reading, then the body made NFC and sanitized (what
        Pelican's content cache keeps, so a cached body is a clean one).
        A file over the size limit is refused unread: the content rules
        name it."""
        size = os.path.getsize(source_path)
        if size > MAX_BYTES:
            raise ValueError(too_large(size))
        content, metadata = super().read(source_path)
        return sanitize(nfc(content)), metadata
