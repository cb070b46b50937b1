"""Wards, years and topics as groups of reports (pure: no Pelican here).

One pass over the reports fills every group; each group is ordered the same
stable way (newest first, then title, then source path), so every build
agrees.  Terms come from the registry objects the portal plugin set
(``article.ward``, ``article.topics``), which already merge spelling
variants; the registry's spelling is the one shown.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby


@dataclass
class Term:
    """One ward, year or topic and its reports."""

    kind: str  # "ward", "year" or "topic"
    name: str
    slug: str
    url: str
    save_as: str
    obj: object = None  # the registry Ward/Topic, or the year as int
    # not in repr: a term is shown by name; its reports are listed, not printed
    articles: list = field(default_factory=list, repr=False)
    feed_url: str = ""
    feed_title: str = ""

    def __post_init__(self):
        self.feed_title = self.feed_title or self.name

    @property
    def count(self) -> int:
        return len(self.articles)

    def __str__(self):
        return self.name


def group(articles, wards_order, topics_order):
    """(wards, years, topics) dicts of key -> list of articles, in one pass.

    Keys are registry objects for wards and topics, ints for years.  Lists
    keep the order of ``articles`` (sort those first).
    """
    wards, years, topics = defaultdict(list), defaultdict(list), defaultdict(list)
    for article in articles:
        ward = getattr(article, "ward", None)
        if ward is not None:
            wards[ward].append(article)
        years[article.date.year].append(article)
        for topic in getattr(article, "topics", None) or ():
            topics[topic].append(article)
    wards_sorted = {w: wards[w] for w in wards_order if w in wards}
    topics_sorted = {t: topics[t] for t in topics_order if t in topics}
    years_sorted = {y: years[y] for y in sorted(years, reverse=True)}
    return wards_sorted, years_sorted, topics_sorted


def by_month(articles):
    """[(month, [articles])] in the order the articles come (newest first)."""
    return [(m, list(items)) for m, items in groupby(articles, lambda a: a.date.month)]
