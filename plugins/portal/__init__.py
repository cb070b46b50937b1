"""The portal's content model: registry of wards and topics, checked metadata.

Every article gets ``article.ward`` (a :class:`registry.Ward`) and
``article.topics`` (a list of :class:`registry.Topic`) in the registry's
spelling.  The ward is the one named, as it was on the report's date:
``article.ward_parent`` is its parent unit on that date and
``article.ward_since`` what it has become since (:class:`history.Since`,
or None).  Problems are reported with the file, the field and the fix; a
strict build (``PORTAL_STRICT = True``, set by publishconf.py) stops on them
before anything is written.
"""

import logging
import os
from pathlib import Path

from pelican import signals
from pelican.log import LimitFilter

from .history import file_issues
from .metadata import dated, resolve
from .problems import Problem, report, stop_if_strict
from .registry import RegistryError, load_registry
from .urls import newest_first, unique_slugs

log = logging.getLogger(__name__)

DEFAULTS = {
    "PORTAL_REGISTRY": "data/registry.toml",
    "PORTAL_STRICT": False,
}


def setting(settings: dict, name: str):
    return settings.get(name, DEFAULTS[name])


def _relative(settings: dict, source_path: str) -> str:
    return os.path.relpath(source_path, os.path.dirname(settings["PATH"]))


def _new_slug(article) -> None:
    """A renumbered report's address follows its new slug: an address
    Pelican was told to keep (``override_*``, set by buildspeed before this
    plugin renumbers) is made again from it, so that every report keeps its
    address, renumbered or not, as on every other build."""
    kept = vars(article).pop("override_url", None) is not None
    vars(article).pop("override_save_as", None)
    if kept:
        article.override_url, article.override_save_as = article.url, article.save_as


def resolve_articles(generator):
    """Give every article and draft its registry ward and topics."""
    context, settings = generator.context, generator.settings
    context.setdefault("PORTAL_STRICT", setting(settings, "PORTAL_STRICT"))
    registry_path = Path(settings["PATH"]) / setting(settings, "PORTAL_REGISTRY")
    try:
        registry = load_registry(registry_path)
    except RegistryError as e:
        report(context, Problem(str(registry_path), "registry", str(e)))
        stop_if_strict(context)
        return
    context["registry"] = registry
    for line, key, message, fix in file_issues(registry_path):
        where = f"{_relative(settings, str(registry_path))}:{line}"
        report(context, Problem(where, key, message, fix))
    folder = os.path.basename(os.path.normpath(settings["PATH"]))
    for article in generator.articles + generator.drafts:
        # "content/tin-tuc/a.md", as editors see it; Pelican already knows
        # the part below the content folder (relpath is slow at 10,000).
        path = f"{folder}/{article.relative_source_path}"
        ward, topics, problems = resolve(path, article.metadata, registry)
        article.ward, article.topics = ward, topics
        article.ward_parent, article.ward_since = None, None
        if ward is not None:
            article.ward_parent, article.ward_since, more = dated(
                path, ward, article.date.date(), registry
            )
            problems += more
        for problem in problems:
            report(context, problem)
    for article, old, first in unique_slugs(
        generator.articles + generator.drafts,
        address=lambda a: a.save_as,
        renamed=_new_slug,
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


def show_problems_again(generator):
    """Pelican hides any warning it has already logged in this process, so
    the dev server's next build would hide a problem the editor has not
    fixed yet.  Each build starts with a clean slate."""
    LimitFilter._raised_messages.clear()


def check_strict(generators):
    """Stop a strict build on content errors, before any page is written."""
    if generators:
        stop_if_strict(generators[0].context)


def register():
    signals.initialized.connect(total_order)
    signals.article_generator_init.connect(show_problems_again)
    # pretaxonomy: articles are read and sorted into published and drafts but
    # not yet grouped, so later plugins group the canonical wards and topics.
    signals.article_generator_pretaxonomy.connect(resolve_articles)
    # all_generators_finalized: every generator has reported; no output yet.
    signals.all_generators_finalized.connect(check_strict)
