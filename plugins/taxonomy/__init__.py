"""Pages for every ward, year and topic, with feeds and breadcrumbs.

``/phuong/{slug}/``, ``/nam/{yyyy}/``, ``/chu-de/{slug}/`` and their
indexes, paginated like Pelican's own tag pages; an Atom feed per ward and
per topic.  The grouping is :mod:`taxonomy.core`; this module only hands the
groups to Pelican.  Settings (defaults below) may change every address.
"""

from pelican import signals
from pelican.generators import Generator
from pelican.paginator import Paginator
from portal.urls import newest_first
from vietnamese.text import capitalize_first

from .core import Term, by_month, group
from .lineage import by_current_unit, with_lineage

DEFAULTS = {
    "WARD_URL": "phuong/{slug}/",
    "WARD_SAVE_AS": "phuong/{slug}/index.html",
    "WARDS_URL": "phuong/",
    "WARDS_SAVE_AS": "phuong/index.html",
    "WARD_FEED_ATOM": "phuong/{slug}/atom.xml",
    "YEAR_URL": "nam/{slug}/",
    "YEAR_SAVE_AS": "nam/{slug}/index.html",
    "YEARS_URL": "nam/",
    "YEARS_SAVE_AS": "nam/index.html",
    "TOPIC_URL": "chu-de/{slug}/",
    "TOPIC_SAVE_AS": "chu-de/{slug}/index.html",
    "TOPICS_URL": "chu-de/",
    "TOPICS_SAVE_AS": "chu-de/index.html",
    "TOPIC_FEED_ATOM": "chu-de/{slug}/atom.xml",
    "TAXONOMY_PAGINATION": None,  # None: DEFAULT_PAGINATION
}


def setting(settings, name):
    return settings.get(name, DEFAULTS[name])


def _term(settings, kind, name, slug, obj, articles):
    prefix = kind.upper()
    feed = settings.get(f"{prefix}_FEED_ATOM", DEFAULTS.get(f"{prefix}_FEED_ATOM"))
    return Term(
        kind=kind,
        name=name,
        slug=slug,
        url=setting(settings, f"{prefix}_URL").format(slug=slug),
        save_as=setting(settings, f"{prefix}_SAVE_AS").format(slug=slug),
        obj=obj,
        articles=articles,
        feed_url=feed.format(slug=slug) if feed else "",
    )


def build_terms(generator):
    """Group the published reports; put the terms in the context and on articles."""
    settings, context = generator.settings, generator.context
    registry = context.get("registry")
    articles = sorted(generator.articles, key=newest_first)
    wards, years, topics = group(
        articles,
        registry.wards if registry else [],
        registry.topics if registry else [],
    )
    ward_terms = {
        w: _term(settings, "ward", w.name, w.slug, w, arts) for w, arts in wards.items()
    }
    ward_terms = with_lineage(
        ward_terms, registry, lambda w: _term(settings, "ward", w.name, w.slug, w, [])
    )
    for term in ward_terms.values():
        term.feed_title = capitalize_first(term.obj.full_name)
    year_terms = {
        y: _term(settings, "year", str(y), str(y), y, arts) for y, arts in years.items()
    }
    topic_terms = {
        t: _term(settings, "topic", t.name, t.slug, t, arts)
        for t, arts in topics.items()
    }
    for article in generator.articles:
        ward = getattr(article, "ward", None)
        article.ward_term = ward_terms.get(ward) if ward is not None else None
        article.year_term = year_terms.get(article.date.year)
        article.topic_terms = [
            topic_terms[t] for t in getattr(article, "topics", None) or ()
        ]
    context["wards"] = list(ward_terms.values())
    context["years"] = list(year_terms.values())
    context["topics_index"] = list(topic_terms.values())
    # Every registry ward, with or without reports, for /phuong/.
    context["all_wards"] = [
        (w, ward_terms.get(w)) for w in (registry.wards if registry else [])
    ]
    # /phuong/ by the unit each ward belongs to today (taxonomy.lineage).
    context["wards_by_unit"] = by_current_unit(registry, ward_terms) if registry else []
    context["ward_term_of"] = {w.slug: term for w, term in ward_terms.items()}
    context["WARDS_URL"] = setting(settings, "WARDS_URL")
    context["YEARS_URL"] = setting(settings, "YEARS_URL")
    context["TOPICS_URL"] = setting(settings, "TOPICS_URL")


class TaxonomyGenerator(Generator):
    """Writes the term pages, indexes and feeds after the articles exist."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        context = self.context
        for kind, key in (
            ("ward", "wards"),
            ("year", "years"),
            ("topic", "topics_index"),
        ):
            template = self.get_template(kind)
            for term in context.get(key, ()):
                self._write_term(writer, template, kind, term)
                if term.feed_url:
                    writer.write_feed(
                        term.articles,
                        context,
                        term.feed_url,
                        url=term.feed_url,
                        feed_title=term.feed_title,
                    )
        # [(year, reports)], newest first: what the year terms already count.
        year_counts = [(term.obj, term.count) for term in context.get("years", ())]
        for name, key in (("wards", "WARDS"), ("years", "YEARS"), ("topics", "TOPICS")):
            save_as = setting(self.settings, f"{key}_SAVE_AS")
            if save_as:
                writer.write_file(
                    save_as,
                    self.get_template(name),
                    context,
                    url=setting(self.settings, f"{key}_URL"),
                    page_name=name,
                    relative_urls=self.settings["RELATIVE_URLS"],
                    year_counts=year_counts,
                )

    def _write_term(self, writer, template, kind, term):
        """A term's listing pages, as Pelican paginates them."""
        names = {
            "template_name": kind,
            "relative_urls": self.settings["RELATIVE_URLS"],
            "term": term,
            "articles": term.articles,
            "page_name": term.url.rstrip("/") or "index",
            "blog": True,
            kind: term,
        }
        # Pelican's own Paginator and pages, each page handed to the writer
        # with its neighbours (paginated={}: the writer paginates only the
        # templates listed in PAGINATED_TEMPLATES, a setting of Pelican's
        # this plugin leaves alone).
        per_page = (
            setting(self.settings, "TAXONOMY_PAGINATION")
            or self.settings["DEFAULT_PAGINATION"]
        )
        paginator = Paginator(
            term.save_as, term.url, term.articles, self.settings, per_page
        )
        for previous, page, following in neighbours(
            [paginator.page(n) for n in paginator.page_range]
        ):
            writer.write_file(
                page.save_as,
                template,
                self.context,
                paginated={},
                articles_paginator=paginator,
                articles_page=page,
                articles_previous_page=previous,
                articles_next_page=following,
                **names,
            )


def neighbours(items: list) -> list[tuple]:
    """[(previous, item, next)], None past either end."""
    padded = [None, *items, None]
    return list(zip(padded, items, padded[2:], strict=False))


def add_filters(generator):
    """``by_month``: a year page's reports by month, newest first (they
    come sorted, so one pass over them; Jinja's ``groupby`` sorts again)."""
    generator.env.filters["by_month"] = by_month


def get_generators(pelican):
    return TaxonomyGenerator


def register():
    # generator_init: each generator's Jinja environment exists, nothing
    # is rendered yet.
    signals.generator_init.connect(add_filters)
    signals.article_generator_finalized.connect(build_terms)
    signals.get_generators.connect(get_generators)
