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
    """Convert the articles' Markdown on the other cores while Pelican reads
    them (:class:`prefetch.Prefetch`).

    ``SAFE_MARKDOWN_WORKERS``: processes converting, the reader included
    (default: one per CPU; 1 turns it off).
    """
    settings = generator.settings
    if not settings.get("SAFE_MARKDOWN_REUSE_CONVERTER", True):
        return
    workers = (settings.get("SAFE_MARKDOWN_WORKERS") or os.cpu_count() or 1) - 1
    extensions = tuple(f".{e}" for e in SafeMarkdownReader.file_extensions)
    roots = [os.path.join(generator.path, p) for p in settings["ARTICLE_PATHS"]]
    # A plain walk, not Pelican's get_files (3x slower; a dev rebuild has
    # few files to convert, if any): converting a file Pelican then ignores
    # costs a little time, never a wrong page.
    paths = prefetch.markdown_files(roots, extensions)

    def reading_order():
        """Pelican's own listing: a set, in this process's hash order."""
        listed = generator.get_files(
            settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"]
        )
        return [os.path.abspath(os.path.join(generator.path, f)) for f in listed]

    gate = settings.get("SAFE_MARKDOWN_FAST_INLINE", True)
    prefetch.start(
        generator.path, paths, settings["MARKDOWN"], workers, gate, reading_order
    )


def stop_prefetch(generator):
    """Every article is read: the workers are done."""
    prefetch.finish(generator.path)


def register():
    # readers_init runs before the reader instances are created, so our class
    # replaces Pelican's for every Markdown extension.
    signals.readers_init.connect(use_safe_reader)
    signals.article_generator_init.connect(prefetch_articles)
    signals.article_generator_pretaxonomy.connect(stop_prefetch)
