"""What Pagefind indexes: one small HTML record per article (pure).

Each record sits at the article's own ``save_as`` path, so Pagefind gives
it the article's URL, and holds what a reader searches: the headline (the
result title), the date, the ward, year and topics (filters), the body with
its captions, the byline, and the body's đ-words written with d.  Indexing
records rather than the finished pages lets Pagefind start before Pelican
writes any page; the article template is not read at all.
"""

import re
from html import escape
from pathlib import Path

from vietnamese.dates import long_date, short_date
from vietnamese.text import capitalize_first

from .fold import d_words
from .fossick import (
    AUTO_WEIGHT,
    Parsed,
    _decoded,
    normalize_content,
    parse,
    sentence,
)


class _Pieces:
    """A record's texts, escaped as its HTML holds them."""

    __slots__ = ("authors", "body", "date", "folded", "long", "title", "topics", "ward")

    def __init__(self, article):
        ward = getattr(article, "ward", None)
        topics = getattr(article, "topics", None) or ()
        self.title = escape(article.title)
        self.date = (str(article.date.year), escape(short_date(article.date)))
        self.long = escape(long_date(article.date))
        self.ward = (
            escape(capitalize_first(ward.full_name)) if ward is not None else None
        )
        self.topics = [escape(t.name) for t in topics]
        self.body = article._content or ""  # sanitized HTML
        authors = getattr(article, "authors", None) or ()
        self.authors = escape(" – ".join(a.name for a in authors)) if authors else None
        folded = d_words(
            article.title,
            self.body,
            getattr(ward, "full_name", ""),
            " ".join(t.name for t in topics),
        )
        self.folded = escape(folded) if folded else None


def _html(p: _Pieces) -> str:
    year, short = p.date
    parts = [
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">',
        f"<title>{p.title}</title></head><body>",
        "<main data-pagefind-body>",
        f'<h1 data-pagefind-meta="title">{p.title}</h1>',
        f'<p data-pagefind-filter="year:{year}" '
        f'data-pagefind-meta="date:{short}">{p.long}</p>',
    ]
    if p.ward is not None:
        parts.append(f'<p><span data-pagefind-filter="ward">{p.ward}</span></p>')
    if p.topics:
        spans = (f'<span data-pagefind-filter="topic">{t}</span>' for t in p.topics)
        parts.append("<p>" + " ".join(spans) + "</p>")
    parts.append(f"<div>{p.body}</div>")
    if p.authors is not None:
        parts.append(f"<p>{p.authors}</p>")
    if p.folded is not None:
        parts.append(f"<p>{p.folded}</p>")
    parts.append("</main></body></html>")
    return "".join(parts)


def record(article) -> str:
    return _html(_Pieces(article))


# What in a body would make it read differently on its own than inside
# its record: elements Pagefind drops only inside <html> (nav, label...),
# the record's own elements, raw text, comments (and, in parsed(),
# Pagefind's attributes and markers).  Starting with "<": searched fast.
_NOT_ALONE = re.compile(
    r"<(?:\s*/?\s*(?:html|head|body|main|title|script|style|textarea|noscript|"
    r"template|svg|iframe|form|nav|footer|label)\b|[!?])",
    re.I,
)


def parsed(p: _Pieces) -> Parsed | None:
    """What :func:`search.fossick.parse` reads from the record of ``p``,
    made from its pieces: the body alone is parsed (the rest of a record
    is ~3/4 of its parsing: every element with Pagefind's attributes).
    None when only parsing the whole record gives it (an empty title, a
    body with elements that read otherwise on their own, Pagefind's
    markers in a text).  ``tests/test_search_indexer.py`` compares the two
    on every report of a generated site and on edge cases."""
    named = [p.ward, *p.topics] if p.ward is not None else p.topics
    texts = (p.title, p.long, *named, p.authors or "", p.folded or "")
    if not p.title.strip() or any("___" in t for t in texts):
        return None
    body = p.body
    if "___" in body or "data-pagefind" in body.lower() or _NOT_ALONE.search(body):
        return None
    if body.rfind("<") > body.rfind(">"):
        return None  # a tag left open would run into the rest of the record
    if any(not t for t in named) or "&" in p.date[1]:
        return None
    title = normalize_content(p.title)
    body = parse(f"<div>{body}</div>", {"title": title})
    weight = AUTO_WEIGHT["h1"]
    pieces = [
        f" ___PAGEFIND_AUTO_WEIGHT___{weight} {sentence(p.title)}"
        " ___END_PAGEFIND_WEIGHT___ ",
        sentence(p.long),
    ]
    filters: dict[str, list] = {"year": [normalize_content(p.date[0])]}
    # As fossick's close_meta does: a filter's value normalised twice.
    if p.ward is not None:
        pieces.append(sentence(p.ward))
        filters["ward"] = [normalize_content(normalize_content(p.ward))]
    if p.topics:
        pieces.append(sentence(" ".join(p.topics)))
        filters["topic"] = [normalize_content(normalize_content(t)) for t in p.topics]
    head = _decoded("".join(pieces))
    tail = "".join(sentence(t) for t in (p.authors, p.folded) if t is not None)
    meta = dict(body.meta)
    meta["title"] = title
    meta["date"] = normalize_content(p.date[1])
    return Parsed(
        digest=head + body.digest + _decoded(tail),
        filters=filters,
        meta=meta,
        anchor_content=body.anchor_content,
        anchor_titles=body.anchor_titles,
        language="vi",
        has_custom_body=True,
    )


def address(article) -> str:
    """The record's path in the site: the article's own page."""
    path = article.save_as
    return path if path.endswith(".html") else path.rstrip("/") + "/index.html"


def records(articles) -> list[tuple[str, str]]:
    """(path in the site, HTML) of each article's record, in the order given
    (the search plugin gives them in address order, Pagefind's page order).
    Text, as the build's own index reads it; encoded only for a digest or
    for Pagefind's binary, which reads files."""
    return [(address(a), record(a)) for a in articles]


def records_read(articles) -> tuple[list[tuple[str, str]], list[Parsed | None]]:
    """:func:`records`, and what Pagefind reads in each (:func:`parsed`)."""
    found, read = [], []
    for article in articles:
        pieces = _Pieces(article)
        found.append((address(article), _html(pieces)))
        read.append(parsed(pieces))
    return found, read


def add_to_digest(digest, found: list[tuple[str, str]]) -> None:
    """Feed records to a hashlib digest (the key of the index they make)."""
    for path, text in found:
        digest.update(f"{path}\0{text}\0".encode())


def write_records(folder: Path, found: list[tuple[str, str]]) -> None:
    for path, text in found:
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
