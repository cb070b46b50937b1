"""Build speed: fast dev-server rebuilds, and Pelican's slow spots avoided.

Rebuilds reuse unchanged content and skip unchanged pages.  Only a process
that builds more than once (``pelican -r``, ``make devserver``) gains that;
a one-shot build writes exactly what it would write without this plugin.
``INCREMENTAL = False`` turns it off.  The rules of what is
kept are in :mod:`buildspeed.rebuild`; tests build a site, edit it, rebuild
in the same process and compare with a fresh build byte for byte.
"""

import contextlib
import hashlib
import io
import os

from pelican import signals
from pelican.utils import sanitised_join
from pelican.writers import Writer

from .rebuild import (
    Ledger,
    Store,
    file_stamp,
    site_fingerprint,
    text_digest,
    tree_stamp,
)

# One process may build several sites (tests do): keep state per output folder.
_LEDGERS: dict[str, Ledger] = {}
_STORES: dict[tuple, Store] = {}
_PENDING: dict[str, tuple[Ledger, str]] = {}
_MEMO = ("override_url", "override_save_as")
CONTENT_LISTS = ("articles", "drafts", "pages", "hidden_pages", "draft_pages")


def enabled(settings) -> bool:
    return settings.get("INCREMENTAL", True)


def _context_key(settings) -> tuple:
    """What reused content objects depend on besides their own file."""
    content = settings["PATH"]
    markdown_suffixes = (".md", ".markdown", ".mkd", ".mdown")
    return (
        id(settings),
        tree_stamp(content, skip_suffixes=markdown_suffixes),
        tree_stamp(settings["THEME"]),
    )


def reuse_content(generator):
    """Serve unchanged articles and pages from the previous build."""
    settings = generator.settings
    if not enabled(settings):
        return
    store = _STORES.setdefault((settings["PATH"], settings["OUTPUT_PATH"]), Store())
    context_key = _context_key(settings)

    def get_cached_data(filename, default=None):
        obj = store.get(os.path.join(generator.path, filename), context_key)
        if obj is None:
            return default
        obj._context = generator.context
        for name in _MEMO:  # the slug may change in this build (renumbering)
            vars(obj).pop(name, None)
        return obj

    def cache_data(filename, data):
        store.put(os.path.join(generator.path, filename), context_key, data)

    generator.get_cached_data = get_cached_data
    generator.cache_data = cache_data


class _KeyedTemplate:
    """A template that renders only when its page's key has changed."""

    def __init__(self, template, writer):
        self._template, self._writer = template, writer
        self.name = template.name

    def render(self, localcontext):
        writer = self._writer
        name = localcontext["output_file"]
        path = sanitised_join(writer.output_path, name)
        key = writer.page_key(self.name, name, localcontext)
        if writer.ledger.unchanged(path, key):
            writer.unchanged.add(path)
            return ""
        _PENDING[path] = (writer.ledger, key)
        return self._template.render(localcontext)

    def __getattr__(self, name):
        return getattr(self._template, name)


class IncrementalWriter(Writer):
    """Pelican's writer, leaving pages whose inputs did not change alone."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.ledger = _LEDGERS.setdefault(os.path.abspath(output_path), Ledger())
        self.unchanged: set[str] = set()
        self._site = None

    def site_key(self, context) -> str:
        if self._site is None:
            contents = [
                obj
                for key in (
                    "articles",
                    "drafts",
                    "pages",
                    "hidden_pages",
                    "draft_pages",
                )
                for obj in context.get(key, ())
            ]
            self._site = site_fingerprint(
                contents, [repr(k) for k in _context_key(self.settings)]
            )
        return self._site

    def page_key(self, template_name: str, name: str, localcontext) -> str:
        own = []
        for key in ("article", "page"):
            obj = localcontext.get(key)
            body = getattr(obj, "_content", None)
            if isinstance(body, str):
                own.append(text_digest(body))
        listing = localcontext.get("articles_page")
        if listing is not None:
            own.append(f"{listing.number}/{listing.paginator.num_pages}")
        parts = [self.site_key(localcontext), template_name, name, *own]
        return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()

    def write_file(self, name, template, context, *args, **kwargs):
        if enabled(self.settings) and template is not None:
            template = _KeyedTemplate(template, self)
        return super().write_file(name, template, context, *args, **kwargs)

    def _open_w(self, filename, encoding, override=False):
        if filename in self.unchanged:
            self.unchanged.discard(filename)
            self._written_files.add(filename)
            return contextlib.nullcontext(io.StringIO())
        return super()._open_w(filename, encoding, override=override)


def record_written(path, context=None):
    pending = _PENDING.pop(path, None)
    if pending is not None:
        ledger, key = pending
        ledger.record(path, key)


class _Members(list):
    """A list whose ``in`` is a set lookup (by identity, as Content compares)."""

    def __init__(self, items):
        super().__init__(items)
        self._ids = {id(item) for item in self}

    def __contains__(self, item):
        return id(item) in self._ids


def fast_author_lists(generator):
    """Pelican's author pages test every dated article against each author's
    list (``article in articles``): quadratic, ~1 s at 10,000 reports.
    Same lists, same order, set-speed membership."""
    generator.authors[:] = [(a, _Members(arts)) for a, arts in generator.authors]


def memoize_addresses(generator):
    """Pelican formats an article's URL anew (metadata copy, two relpaths,
    two strftimes) every time a template or the writer asks for it; once
    every plugin has settled the slugs, keep each article's address.

    ``override_*`` is Pelican's own hook for fixed addresses; it also lets a
    later write replace the file, which cannot happen here because the
    portal plugin gives every report a distinct address first.
    """
    if not enabled(generator.settings):
        return
    for article in generator.articles + generator.translations:
        url, save_as = article.url, article.save_as
        article.override_url, article.override_save_as = url, save_as


def use_writer(pelican):
    return IncrementalWriter


def register():
    signals.article_generator_init.connect(reuse_content)
    signals.page_generator_init.connect(reuse_content)
    signals.get_writer.connect(use_writer)
    signals.article_generator_finalized.connect(fast_author_lists)
    signals.article_generator_finalized.connect(memoize_addresses)
    signals.content_written.connect(record_written)


__all__ = ["IncrementalWriter", "file_stamp", "register"]
