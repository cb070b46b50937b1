"""A Markdown reader whose output is NFC and sanitized, and whose metadata is text."""

import re

from markupsafe import Markup, escape
from pelican.readers import MarkdownReader
from pelican.utils import SafeDatetime
from vietnamese.text import nfc

from .sanitize import sanitize

# The date forms editors are told to write; anything else goes to Pelican's
# dateutil-based parser, which gives the same value, only ~30x slower.
_DATE_FORMS = {
    re.compile(r"\d{4}-\d{2}-\d{2}"): "%Y-%m-%d",
    re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"): "%Y-%m-%d %H:%M",
    re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"): "%Y-%m-%d %H:%M:%S",
}


def parse_date(value: str) -> SafeDatetime | None:
    """The naive datetime for a ``YYYY-MM-DD[ HH:MM[:SS]]`` string, else None."""
    value = value.strip()
    for pattern, form in _DATE_FORMS.items():
        if pattern.fullmatch(value):
            try:
                return SafeDatetime.strptime(value, form)
            except ValueError:
                return None  # let Pelican's parser word the error
    return None


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
            date = parse_date(value)
            if date is not None:
                return date
        return super().process_metadata(name, value)

    def read(self, source_path):
        """Pelican's reading, then the body made NFC and sanitized (what
        Pelican's content cache keeps, so a cached body is a clean one)."""
        content, metadata = super().read(source_path)
        return sanitize(nfc(content)), metadata
