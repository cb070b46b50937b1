"""The portal's content model: registry of wards and topics, checked metadata.

Every article gets ``article.ward`` (a :class:`registry.Ward`) and
``article.topics`` (a list of :class:`registry.Topic`) in the registry's
spelling.  Every build applies the content rules of ``make check``
(:mod:`portal.checks`) and turns Pelican's own "Could not process" errors
into Vietnamese problems (:mod:`portal.failures`).  Problems are reported
with the file, the line, the field and the fix; a strict build
(``PORTAL_STRICT = True``, set by publishconf.py) stops on them before
anything is written, a dev build warns and still shows what it can.
The ward is the one named, as it was on the report's date:
``article.ward_parent`` is its parent unit on that date and
``article.ward_since`` what it has become since (:class:`history.Since`,
or None).
"""

import logging
import os
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.urlwrappers import Category
from vietnamese.text import slugify

from . import checks, failures
from .history import file_issues
from .metadata import dated, resolve
from .problems import CONTEXT_KEY, Problem, report, stop_if_strict
from .registry import RegistryError, load_registry
from .urls import newest_first, unique_slugs

log = logging.getLogger(__name__)

DEFAULTS = {
    "PORTAL_REGISTRY": "data/registry.toml",
    "PORTAL_STRICT": False,
    # Folders of Markdown that other plugins read (office: announcements,
    # documents) and check themselves: their files are not misplaced reports.
    "PORTAL_OTHER_PATHS": checks.Layout.others,
}


def setting(settings: dict, name: str):
    return settings.get(name, DEFAULTS[name])


def _relative(settings: dict, source_path: str) -> str:
    return os.path.relpath(source_path, os.path.dirname(settings["PATH"]))


def resolve_articles(generator):
    """Give every article, draft and hidden article its registry ward and
    topics (their problems are the content rules', reported once by
    :func:`check_content`)."""
    context, settings = generator.context, generator.settings
    context.setdefault("PORTAL_STRICT", setting(settings, "PORTAL_STRICT"))
    keep_inside(generator, "articles", "drafts", "hidden_articles")
    items = generator.articles + generator.drafts + generator.hidden_articles
    for item in generator.drafts + generator.hidden_articles:
        # Pelican writes drafts with their category, and gives none when
        # CATEGORY_SAVE_AS is empty (the portal has no category pages).
        if not hasattr(item, "category"):
            item.category = Category("Tin tức", settings)
    registry_path = Path(settings["PATH"]) / setting(settings, "PORTAL_REGISTRY")
    try:
        registry = load_registry(registry_path)
    except RegistryError as e:
        path = failures.editor_path(str(registry_path), settings["PATH"])
        report(context, Problem(path, "danh mục", e.for_editor()))
        for item in items:  # no ward or topic is known: none is shown
            item.ward, item.topics = None, []
        stop_if_strict(context)
        return
    context["registry"] = registry
    for article in items:
        article.ward, article.topics, _ = resolve("", article.metadata, registry)
        article.ward_parent, article.ward_since = None, None
        if article.ward is not None:  # its problems are the content rules'
            article.ward_parent, article.ward_since, _ = dated(
                "", article.ward, article.date.date(), registry
            )
    for article, old, first in unique_slugs(
        items,
        address=lambda a: a.save_as,
        source=lambda a: a.source_path,
        slug_in_address="{slug}" in settings["ARTICLE_SAVE_AS"]
        and "{slug}" in settings["DRAFT_SAVE_AS"],
    ):
        report(
            context,
            Problem(
                _relative(settings, article.source_path),
                "Slug",
                f"trùng đường dẫn '{old}' với "
                f"{_relative(settings, first.source_path)}; tạm dùng '{article.slug}'",
                f"thêm dòng 'Slug: {article.slug}' (hoặc một tên khác) vào bài",
            ),
        )


def total_order(pelican):
    """Pelican's default order, newest first, with ties broken by title and
    file (:func:`urls.newest_first`): Pelican sorts with it itself."""
    if pelican.settings.get("ARTICLE_ORDER_BY") == "reversed-date":
        pelican.settings["ARTICLE_ORDER_BY"] = newest_first


def record_failures(generator):
    """Each build starts with a fresh record of the files Pelican fails on."""
    failures.install()


def showable(generator, metadata):
    """What a dev build needs to show a report whose title or slug breaks
    the rules (the rules report it; a strict build stops): control
    characters out of the title, and an address made of ASCII words that
    stays inside the output folder."""
    title, slug = metadata.get("title"), metadata.get("slug")
    if isinstance(title, str) and checks.control_characters(title):
        metadata["title"] = title = "".join(
            c for c in title if not checks.control_characters(c)
        )
    if isinstance(slug, str) and not checks.valid_slug(slug):
        metadata["slug"] = slugify(slug)[:80].strip("-") or "bai-viet"
    elif isinstance(title, str) and not slug:
        if not checks.visible(title):
            metadata["slug"] = "khong-tieu-de"
        elif len(title) > checks.MAX_TITLE:
            metadata["slug"] = slugify(title)[:80].strip("-") or "bai-viet"


def _source(item) -> str:
    return item.source_path


def keep_inside(generator, *lists: str) -> None:
    """Leave out a report or page whose file is a link out of the content
    folder (the content rules name the link): it is never published."""
    for name in lists:
        items = getattr(generator, name)
        items[:] = checks.keep_inside(items, generator.path, _source)


def keep_pages_inside(generator):
    keep_inside(generator, "pages", "hidden_pages", "draft_pages")


def keep_static_inside(generator):
    """Only files of the content folder are published: a static file
    reached through a link that leaves it (``extra/etc -> /etc``) is
    dropped (the content rules name the link)."""
    generator.staticfiles[:] = checks.keep_inside(
        generator.staticfiles, generator.path, _source
    )


def rules_of(settings: dict) -> tuple[checks.Layout, ZoneInfo, Path]:
    """What the content rules take from the settings: where things go, the
    site's time zone and the registry file.  The build and ``make check``
    (``--settings``) both read them here, so they judge alike."""
    layout = checks.Layout(
        tuple(settings["ARTICLE_PATHS"]),
        tuple(settings["PAGE_PATHS"]),
        tuple(settings["STATIC_PATHS"]),
        tuple(setting(settings, "PORTAL_OTHER_PATHS")),
    )
    tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    return layout, tz, Path(settings["PATH"]) / setting(settings, "PORTAL_REGISTRY")


def check_content(generators):
    """Apply the content rules of ``make check``, report the files Pelican
    could not read, and stop a strict build on any error, before any page
    is written."""
    if not generators:
        return
    context, settings = generators[0].context, generators[0].settings
    context.setdefault("PORTAL_STRICT", setting(settings, "PORTAL_STRICT"))
    content_dir = settings["PATH"]
    layout, tz, registry_path = rules_of(settings)
    for line, key, message, fix in file_issues(registry_path):
        where = failures.editor_path(str(registry_path), content_dir)
        report(context, Problem(where, key, message, fix, True, line))
    for problem in checks.check_folder(
        content_dir,
        context.get("registry"),
        checks.site_today(tz),
        tz,
        layout,
    ):
        report(context, problem)
    failed = failures.installed()
    if failed is not None:
        known = {p.path for p in context.get(CONTEXT_KEY, []) if p.error}
        for source, reason in failed.files:
            path = failures.editor_path(source, content_dir)
            if path not in known:
                report(context, checks.unreadable(path, reason))
                known.add(path)
        for message in failed.others:  # Pelican said it already, in its words
            context.setdefault(CONTEXT_KEY, []).append(
                Problem("Pelican", "lỗi", message)
            )
    stop_if_strict(context)


def register():
    signals.initialized.connect(total_order)
    signals.article_generator_init.connect(record_failures)
    # pretaxonomy: articles are read and sorted into published and drafts but
    # not yet grouped, so later plugins group the canonical wards and topics.
    signals.article_generator_pretaxonomy.connect(resolve_articles)
    # context: before Pelican makes the article (and its address) of the
    # metadata, so a bad title or slug does not crash or drop it.
    signals.article_generator_context.connect(showable)
    signals.page_generator_context.connect(showable)
    signals.page_generator_finalized.connect(keep_pages_inside)
    signals.static_generator_finalized.connect(keep_static_inside)
    # all_generators_finalized: every generator has read and reported; no
    # output yet.
    signals.all_generators_finalized.connect(check_content)
    signals.finalized.connect(failures.uninstall)
