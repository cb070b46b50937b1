"""A Markdown reader whose output is NFC and sanitized, and whose metadata is text."""

import logging
import os

from markdown import Markdown
from markupsafe import Markup, escape
from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, MarkdownReader
from pelican.utils import SafeDatetime
from portal.checks import MAX_BYTES, too_large
from vietnamese import dates
from vietnamese.text import nfc

from . import prefetch

log = logging.getLogger(__name__)


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
      (set ``FORMATTED_FIELDS = []`` so Pelican does not render it first);
    - one Markdown converter serves every file of the build (``reset()``
      between files) instead of a new one per file, which Pelican does and
      which costs about a fifth of the reading time;
    - that converter tries each inline pattern only where the text holds
      what it cannot match without (:mod:`safe_markdown.inline`;
      ``SAFE_MARKDOWN_FAST_INLINE = False`` turns it off).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._converter = None

    def process_metadata(self, name, value):
        value = _nfc_value(value)
        if name == "summary" and isinstance(value, str):
            # Markup so templates can treat written and generated summaries
            # alike (``|striptags``) without ever interpreting editor HTML.
            return Markup(escape(value))
        if name == "date" and isinstance(value, str):
            return parse_date(value)  # DateError: Pelican reports the file
        return super().process_metadata(name, value)

    def _parse_metadata(self, meta):
        """Pelican's metadata parsing, with formatted fields on their own converter.

        Pelican's version deregisters the ``meta`` preprocessor of the shared
        converter, which would break its reuse for the next file.
        """
        formatted_fields = self.settings["FORMATTED_FIELDS"]
        output = {}
        for name, value in meta.items():
            name = name.lower()
            if name in formatted_fields:
                field_md = Markdown(**self.settings["MARKDOWN"])
                field_md.preprocessors.deregister("meta")
                formatted = field_md.convert("\n".join(value))
                output[name] = self.process_metadata(name, formatted)
            elif not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
                if len(value) > 1:
                    log.warning(
                        "Duplicate definition of `%s` for %s. Using first one.",
                        name,
                        self._source_path,
                    )
                output[name] = self.process_metadata(name, value[0])
            elif len(value) > 1:
                output[name] = self.process_metadata(name, value)
            else:
                output[name] = self.process_metadata(name, value[0])
        return output

    def read(self, source_path):
        size = os.path.getsize(source_path)
        if size > MAX_BYTES:  # refused unread: the content rules name it
            raise ValueError(too_large(size))
        self._source_path = source_path
        markdown_settings = self.settings["MARKDOWN"]
        reuse = self.settings.get("SAFE_MARKDOWN_REUSE_CONVERTER", True)
        print_ = prefetch.fingerprint(markdown_settings)
        cached = None
        if reuse:
            cached = prefetch.lookup(source_path, print_) or prefetch.take(source_path)
        if cached is None:
            if self._converter is None or not reuse:
                self._converter = prefetch.converter(
                    markdown_settings,
                    self.settings.get("SAFE_MARKDOWN_FAST_INLINE", True),
                )
            self._md = self._converter
            cached = prefetch.convert(self._converter, source_path)
            if reuse:
                prefetch.remember(source_path, print_, *cached)
        content, meta = cached
        return content, self._parse_metadata(meta) if meta else {}
