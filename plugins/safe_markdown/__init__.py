"""Sanitized, NFC Markdown: editor HTML is cut to an allowlist at read time.

Cleaning at read time (not in templates) means every later step and the
content cache only ever see safe HTML.
"""

from pelican import signals

from .reader import SafeMarkdownReader
from .sanitize import sanitize

__all__ = ["SafeMarkdownReader", "register", "sanitize"]


def use_safe_reader(readers):
    for extension in SafeMarkdownReader.file_extensions:
        readers.reader_classes[extension] = SafeMarkdownReader


def register():
    # readers_init runs before the reader instances are created, so our class
    # replaces Pelican's for every Markdown extension.
    signals.readers_init.connect(use_safe_reader)
