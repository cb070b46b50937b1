"""Sanitized, NFC Markdown: editor HTML is cut to an allowlist at read time.

Cleaning at read time (not in templates) means every later step and the
content cache only ever see safe HTML.
"""

import os

from pelican import signals

from . import prefetch
from .reader import SafeMarkdownReader
from .sanitize import sanitize

__all__ = ["SafeMarkdownReader", "register", "sanitize"]


def use_safe_reader(readers):
    for extension in SafeMarkdownReader.file_extensions:
        readers.reader_classes[extension] = SafeMarkdownReader


def prefetch_articles(generator):
    """Convert the articles' Markdown on every core before Pelican reads them.

    ``SAFE_MARKDOWN_WORKERS`` (default: one per CPU; 1 turns it off).
    """
    settings = generator.settings
    if not settings.get("SAFE_MARKDOWN_REUSE_CONVERTER", True):
        return
    workers = settings.get("SAFE_MARKDOWN_WORKERS") or os.cpu_count() or 1
    extensions = tuple(f".{e}" for e in SafeMarkdownReader.file_extensions)
    roots = [os.path.join(generator.path, p) for p in settings["ARTICLE_PATHS"]]
    # A plain walk, not Pelican's get_files (3x slower): converting a file
    # Pelican then ignores costs a little time, never a wrong page.
    paths = prefetch.markdown_files(roots, extensions)
    gate = settings.get("SAFE_MARKDOWN_FAST_INLINE", True)
    prefetch.prefetch(paths, settings["MARKDOWN"], workers, gate)


def register():
    # readers_init runs before the reader instances are created, so our class
    # replaces Pelican's for every Markdown extension.
    signals.readers_init.connect(use_safe_reader)
    signals.article_generator_init.connect(prefetch_articles)
