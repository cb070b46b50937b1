"""A Markdown reader whose output is NFC and sanitized, and whose metadata is text."""

from markupsafe import Markup, escape
from pelican.readers import MarkdownReader
from vietnamese.text import nfc

from .sanitize import sanitize


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
        return super().process_metadata(name, value)

    def read(self, source_path):
        content, metadata = super().read(source_path)
        return sanitize(nfc(content)), metadata
