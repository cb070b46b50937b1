"""Discovery: sitemap.xml and robots.txt, with dates from the reports.

No build timestamps: a report's date is its ``Modified`` or ``Date``; a
listing's date is its newest report's.  Related reports for each article
(same ward or topic) are chosen here too, once per build.
"""

import os

from pelican import signals
from pelican.generators import Generator

from .sitemap import robots, sitemap

RELATED = 4


def _date(item) -> str:
    when = getattr(item, "modified", None) or getattr(item, "date", None)
    return when.date().isoformat() if when else ""


def related_reports(generator):
    """``article.related``: newest reports sharing the ward, then a topic;
    ``article.older`` / ``article.newer``: its neighbours in time."""
    by_ward, by_topic = {}, {}
    for article in generator.articles:  # newest first
        by_ward.setdefault(getattr(article, "ward", None), []).append(article)
        for topic in getattr(article, "topics", None) or ():
            by_topic.setdefault(topic, []).append(article)
    articles = generator.articles
    for i, article in enumerate(articles):
        article.newer = articles[i - 1] if i > 0 else None
        article.older = articles[i + 1] if i + 1 < len(articles) else None
    for article in generator.articles:
        picks = []
        pools = [by_ward.get(getattr(article, "ward", None), [])]
        pools += [by_topic.get(t, []) for t in getattr(article, "topics", None) or ()]
        for pool in pools:
            for other in pool:
                if len(picks) == RELATED:
                    break
                if other is not article and other not in picks:
                    picks.append(other)
        article.related = picks


class SeoGenerator(Generator):
    def generate_context(self):
        pass

    def generate_output(self, writer):
        site = self.settings.get("SITEURL", "").rstrip("/")
        ctx = self.context
        articles = ctx.get("articles", [])
        newest = _date(articles[0]) if articles else ""
        entries = [(f"{site}/", newest)]
        entries += [(f"{site}/{a.url}", _date(a)) for a in articles]
        entries += [(f"{site}/{p.url}", _date(p)) for p in ctx.get("pages", [])]
        for key in ("wards", "years", "topics_index"):
            for term in ctx.get(key, ()):
                # a successor ward's page may have no report of its own yet
                day = _date(term.articles[0]) if term.articles else newest
                entries.append((f"{site}/{term.url}", day))
        for author, written in ctx.get("authors", ()):
            entries.append((f"{site}/{author.url}", max(map(_date, written))))
        for name in ("WARDS_URL", "YEARS_URL", "TOPICS_URL", "AWARDS_URL"):
            if ctx.get(name):
                entries.append((f"{site}/{ctx[name]}", newest))
        # pages other plugins write: [(address, "YYYY-MM-DD" or "")]
        entries += [(f"{site}/{url}", day) for url, day in ctx.get("sitemap_pages", ())]
        for name, text in (
            ("sitemap.xml", sitemap(entries)),
            ("robots.txt", robots(site)),
        ):
            with open(os.path.join(self.output_path, name), "w", encoding="utf-8") as f:
                f.write(text)


def get_generators(pelican):
    return SeoGenerator


def register():
    signals.article_generator_finalized.connect(related_reports)
    signals.get_generators.connect(get_generators)
