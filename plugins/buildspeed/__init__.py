"""Build speed: fast dev-server rebuilds, and Pelican's slow spots avoided.

Rebuilds reuse unchanged content and skip unchanged pages.  Only a process
that builds more than once (``pelican -r``, ``make devserver``) gains that;
a one-shot build writes exactly what it would write without this plugin.
``INCREMENTAL = False`` turns it off.  The rules of what is
kept are in :mod:`buildspeed.rebuild`; tests build a site, edit it, rebuild
in the same process and compare with a fresh build byte for byte.
"""

import contextlib
import gc
import hashlib
import io
import logging
import os
from collections import ChainMap

from jinja2 import BytecodeCache
from pelican import signals
from pelican.contents import Article, Content
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from . import cards
from .feeds import Entries
from .parallel import Page, worker_count, write_all
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
_BATCHES: dict[str, list] = {}  # output folder -> pages collected this build
# Names Pelican's writer sets in a page's context besides the call's keywords.
_PELICAN_OWN = frozenset({"output_file", "localsiteurl", "SITEURL"})
# write_file's own parameters: not part of the page's template context.
_WRITER_ARGS = frozenset(
    {"relative_urls", "paginated", "template_name", "override_output", "url"}
)
log = logging.getLogger(__name__)
CONTENT_LISTS = ("articles", "drafts", "pages", "hidden_pages", "draft_pages")


# Set by ``python -m buildspeed`` when the process builds only once.
ONE_SHOT = False


def enabled(settings) -> bool:
    return settings.get("INCREMENTAL", True)


def keys_pages(settings) -> bool:
    """Pages are keyed for a later build of this process (the dev server's)."""
    return enabled(settings) and not ONE_SHOT


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
    # Not the generator itself: these functions are kept on it, and a cycle
    # through them kept each build's generators, and so its whole context
    # (every award row and tally, ~10 MiB at 10,000), until the collector's
    # next full pass.
    path, context = generator.path, generator.context

    def get_cached_data(filename, default=None):
        obj = store.get(os.path.join(path, filename), context_key)
        if obj is None:
            return default
        obj._context = context
        return obj

    def cache_data(filename, data):
        old = store.put(os.path.join(path, filename), context_key, data)
        # The report this one replaces still points at the previous build's
        # context, which lists it: a cycle that kept that whole context
        # (every award row, ~11 MiB at 10,000) until the collector ran.
        if old is not None:
            vars(old).pop("_context", None)

    generator.get_cached_data = get_cached_data
    generator.cache_data = cache_data


class _KeyedTemplate:
    """A template that renders only when its page's key has changed, and
    (with ``PARALLEL_WRITE``) hands the page to the end-of-build batch
    instead of rendering it now."""

    def __init__(self, template, writer):
        self._template, self._writer = template, writer
        self.name = template.name

    def render(self, localcontext):
        writer = self._writer
        name = localcontext["output_file"]
        path = sanitised_join(writer.output_path, name)
        done = writer.keyed(path, self.name, name, localcontext)
        if done is None:
            writer.unchanged.add(path)
            return ""
        if writer.batch is not None:
            return writer.collect(path, self._template, localcontext, done)
        if done:
            _PENDING[path] = done
        return self._template.render(localcontext)

    def __getattr__(self, name):
        return getattr(self._template, name)


class _Collected(io.TextIOBase):
    """What ``_open_w`` gives back for a collected page: writing the
    :class:`~buildspeed.parallel.Page` puts it in the batch; writing text
    (a feed) writes the file at once."""

    def __init__(self, writer, path):
        super().__init__()
        self._writer, self._path, self._file = writer, path, None

    def writable(self):
        return True

    def write(self, data):
        if self._path is None:  # a write Pelican skips
            return len(data) if isinstance(data, str) else 0
        if isinstance(data, Page):
            self._writer.batch.append(data)
            return 0
        if self._file is None:
            self._file = open(self._path, "w", encoding="utf-8")
        return self._file.write(data)

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = None
        super().close()


class IncrementalWriter(Writer):
    """Pelican's writer, leaving pages whose inputs did not change alone and
    rendering the others on every core at the end of the build."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        text_digest.new_build()  # one writer a build
        self.ledger = _LEDGERS.setdefault(os.path.abspath(output_path), Ledger())
        self.unchanged: set[str] = set()
        self._site = None
        self._shared: dict | None = None
        self._own_keys: frozenset = frozenset()
        self.batch: list[Page] | None = None
        entries = self.settings.get("FEED_ENTRY_CACHE", True)
        self._entries = Entries() if entries else None
        if self.settings.get("PARALLEL_WRITE", True):
            self.batch = _BATCHES[os.path.abspath(output_path)] = []

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
        return self._key(localcontext, [template_name, name, *own])

    def _key(self, context, parts: list[str]) -> str:
        """The site fingerprint and ``parts``, hashed."""
        joined = "\0".join([self.site_key(context), *parts])
        return hashlib.blake2b(joined.encode(), digest_size=16).hexdigest()

    def keyed(self, path, template_name, name, localcontext) -> tuple | None:
        """None for a page whose key and file are unchanged (not written
        again); else what to record once it is written ((), not keyed)."""
        if not keys_pages(self.settings):
            return ()
        return self._decide(path, self.page_key(template_name, name, localcontext))

    def _decide(self, path, key: str) -> tuple | None:
        return None if self.ledger.unchanged(path, key) else (self.ledger, key)

    def collect(self, path, template, localcontext, done) -> Page:
        """The page as the shared context plus what this page sets: Pelican
        builds ``localcontext`` as a copy of the context updated with the
        call's keywords, ``output_file``, ``localsiteurl`` (and ``SITEURL``
        for relative URLs) and, when paginating, the page's paginator."""
        shared = self._shared
        names = (localcontext.keys() - shared.keys()) | self._own_keys
        own = {name: localcontext[name] for name in names if name in localcontext}
        return Page(path, template, shared, own, done)

    def _single(self, name, template, args, kwargs) -> bool:
        """A page Pelican writes once, without paginating it."""
        if args or not name or template is None:
            return False
        paginated = kwargs.get("paginated")
        if paginated is None:
            paginated = kwargs.keys() & {"articles", "dates"}
        return not (
            paginated
            and kwargs.get("template_name") in self.settings["PAGINATED_TEMPLATES"]
        )

    def _create_new_feed(self, feed_type, feed_title, context):
        feed = super()._create_new_feed(feed_type, feed_title, context)
        if self._entries is not None:
            self._entries.adopt(feed)
        return feed

    def _add_item_to_the_feed(self, feed, item):
        """A report's feed entry, made once a build (:mod:`buildspeed.feeds`)."""
        make = super()._add_item_to_the_feed
        if self._entries is None or not self._entries.add(self, make, feed, item):
            make(feed, item)

    def write_feed(self, elements, context, path=None, url=None, *args, **kwargs):
        """A feed whose key and file are unchanged is not written again: its
        items are reports (the site fingerprint holds what a feed shows of
        them, and each item's body is keyed here) and the call's arguments."""
        if not path or not keys_pages(self.settings):
            return super().write_feed(elements, context, path, url, *args, **kwargs)
        target = sanitised_join(self.output_path, path)
        items = elements[: self.settings["FEED_MAX_ITEMS"]]
        own = [text_digest(getattr(item, "_content", "") or "") for item in items]
        call = repr((url, args, sorted(kwargs.items())))
        done = self._decide(target, self._key(context, ["feed", path, call, *own]))
        if done is None:
            self._written_files.add(target)
            return None
        feed = super().write_feed(elements, context, path, url, *args, **kwargs)
        ledger, key = done
        ledger.record(target, key)
        return feed

    def write_file(self, name, template, context, *args, **kwargs):
        if not self._single(name, template, args, kwargs):
            if template is not None and (
                enabled(self.settings) or self.batch is not None
            ):
                template = _KeyedTemplate(template, self)
                self._shared = context
                self._own_keys = frozenset(kwargs) | _PELICAN_OWN
            return super().write_file(name, template, context, *args, **kwargs)
        # A single page: decided here, before Pelican copies the context,
        # makes its folder (the worker does) and renders it.
        path = sanitised_join(self.output_path, name)
        done = self.keyed(path, template.name, name, ChainMap(kwargs, context))
        if done is None:
            self._written_files.add(path)
            return None
        if self.batch is None:
            if done:
                _PENDING[path] = done
            return super().write_file(name, template, context, **kwargs)
        own = {k: v for k, v in kwargs.items() if k not in _WRITER_ARGS}
        own["output_file"] = name
        own["localsiteurl"] = context.get("localsiteurl", None)
        if kwargs.get("relative_urls"):
            own["SITEURL"] = own["localsiteurl"] = path_to_url(get_relative_path(name))
        target = self._claim(path, kwargs.get("override_output", False))
        if target is not None:
            self.batch.append(Page(path, template, context, own, done))
            signals.content_written.send(path, context=ChainMap(own, context))
        return None

    def _open_w(self, filename, encoding, override=False):
        if filename in self.unchanged:
            self.unchanged.discard(filename)
            self._written_files.add(filename)
            return contextlib.nullcontext(io.StringIO())
        if self.batch is None:
            return super()._open_w(filename, encoding, override=override)
        return _Collected(self, self._claim(filename, override))

    def _claim(self, filename, override):
        """Pelican's ``_open_w`` checks against writing one file twice, without
        opening it: the file to write, or None for a write Pelican skips."""
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time '
                    "(was previously overwritten)"
                )
            return None
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already '
                "written to it previously (set `override=True` if intended)"
            )
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return filename


def write_batch(pelican):
    """Render and write the pages collected during the build, on every core;
    a page that fails is named and stops the build, as it would have."""
    output = os.path.abspath(pelican.settings["OUTPUT_PATH"])
    pages = _BATCHES.pop(output, None)
    if not pages:
        return
    workers = worker_count(pelican.settings.get("PARALLEL_WRITE_WORKERS"))
    # A core kept busy by another plugin's process (the search index) is
    # left to it while it runs: the build ends when both are done, and
    # sharing a core slows both.  Once it is done, the pages left take it.
    jobs = pelican.settings.get("_BACKGROUND_JOBS", ())
    busy = sum(1 for alive in jobs if alive())
    spare = None
    if busy and workers > 1:
        workers = max(1, workers - busy)

        def spare():
            return not any(alive() for alive in jobs)

    failed = write_all(pages, workers, after_page=forget_rendered_bodies, spare=spare)
    failed_paths = {page.path for page, _ in failed}
    for page in pages:
        if page.done and page.path not in failed_paths:
            ledger, key = page.done
            ledger.record(page.path, key)
    for page, message in failed:
        log.error("Không tạo được trang %s: %s", page.path, message)
    if failed:
        raise RuntimeError(f"{len(failed)} trang không tạo được (xem lỗi ở trên)")


def forget_rendered_bodies() -> None:
    """Pelican memoizes ``get_content(siteurl)`` for every report, keyed by
    the report itself: a second copy of each body (~70 MiB at 10,000),
    kept for the life of the process and across dev rebuilds.  A body is
    rendered once per page (summaries have their own memo), so the writer
    lets go of it once the page is written."""
    Content.get_content.cache.clear()


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
    two strftimes) every time a template or the writer asks for it; keep
    each article's address once the reports are read.  A report reused on
    a dev rebuild keeps it (it is made of the report's own metadata, which
    did not change).  The portal plugin (listed after this one) renumbers
    clashing slugs, looking up the kept addresses, and keeps the address
    of a report it gives a new slug made again from that slug.

    ``override_*`` is Pelican's own hook for fixed addresses; it also lets a
    later write replace the file, which cannot happen here because the
    portal plugin gives every report a distinct address.
    """
    if not enabled(generator.settings):
        return
    for article in generator.articles + generator.translations:
        article.override_url, article.override_save_as = addresses(article)


def addresses(article) -> tuple[str, str]:
    """``(article.url, article.save_as)``, from one ``url_format`` (Pelican
    makes one for each, the costly part: a metadata copy, a relpath and a
    path_to_url); other kinds of content, or addresses already kept, as
    Pelican gives them."""
    if (
        type(article) is not Article
        or hasattr(article, "override_url")
        or hasattr(article, "override_save_as")
    ):
        return article.url, article.save_as
    # Article._expand_settings and Content.get_url_setting, for both keys
    kind = "DRAFT" if article.status == "draft" else "ARTICLE"
    lang = "" if article.in_default_lang else "LANG_"
    names = article.url_format
    settings = article.settings
    return (
        str(settings[f"{kind}_{lang}URL"]).format(**names),
        str(settings[f"{kind}_{lang}SAVE_AS"]).format(**names),
    )


def use_writer(pelican):
    return IncrementalWriter


class CompiledTemplates(BytecodeCache):
    """Templates compiled once per process, not once per generator and
    build: Pelican makes a Jinja environment for every generator of every
    build, and compiling the theme took 0.19 s of each dev rebuild.  Jinja
    keys each entry by the template's file and checks its source, so an
    edited template is compiled again."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = bucket.bytecode_to_string()


def collect_less_often(pelican):
    """Python's cycle collector runs a young pass every 700 new objects and
    a full pass over the whole heap (~440,000 objects at 10,000 reports,
    0.3 s) whenever a quarter of it is new: during most dev rebuilds.
    Little of a build is cyclic garbage (Jinja's environments; this plugin
    keeps no cycle through a build's generators), so ``GC_THRESHOLD``
    (default ``(50_000, 50, 10)``; ``None``: Python's own) spaces the
    passes out.  Memory stays flat over repeated rebuilds
    (docs/performance.md)."""
    threshold = pelican.settings.get("GC_THRESHOLD", (50_000, 50, 10))
    if enabled(pelican.settings) and threshold:
        gc.set_threshold(*threshold)


def share_compiled_templates(pelican):
    settings = pelican.settings
    if enabled(settings):
        environment = dict(settings["JINJA_ENVIRONMENT"])
        environment.setdefault("bytecode_cache", CompiledTemplates())
        settings["JINJA_ENVIRONMENT"] = environment


def register():
    signals.generator_init.connect(cards.add_global)
    signals.all_generators_finalized.connect(cards.forget_cards)
    signals.article_generator_init.connect(reuse_content)
    signals.page_generator_init.connect(reuse_content)
    signals.get_writer.connect(use_writer)
    signals.initialized.connect(share_compiled_templates)
    signals.initialized.connect(collect_less_often)
    signals.article_generator_finalized.connect(fast_author_lists)
    # pretaxonomy, before the portal plugin's (listed after this one)
    # renumbering, which looks the kept addresses up: every later plugin and
    # template reads them.
    signals.article_generator_pretaxonomy.connect(memoize_addresses)
    signals.content_written.connect(record_written)
    signals.finalized.connect(write_batch)
    signals.finalized.connect(cards.forget_cards)


__all__ = ["IncrementalWriter", "file_stamp", "register"]
