"""What Pagefind indexes: one small HTML record per article (pure).

Each record sits at the article's own ``save_as`` path, so Pagefind gives
it the article's URL, and holds what a reader searches: the headline (the
result title), the date, the ward, year and topics (filters), the body with
its captions, the byline, and the body's đ-words written with d.  Indexing
records rather than the finished pages lets Pagefind start before Pelican
writes any page; the article template is not read at all.
"""

from html import escape
from pathlib import Path

from vietnamese.dates import long_date, short_date
from vietnamese.text import capitalize_first

from .fold import d_words


def record(article) -> str:
    ward = getattr(article, "ward", None)
    topics = getattr(article, "topics", None) or ()
    parts = [
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">',
        f"<title>{escape(article.title)}</title></head><body>",
        "<main data-pagefind-body>",
        f'<h1 data-pagefind-meta="title">{escape(article.title)}</h1>',
        f'<p data-pagefind-filter="year:{article.date.year}" '
        f'data-pagefind-meta="date:{escape(short_date(article.date))}">'
        f"{escape(long_date(article.date))}</p>",
    ]
    if ward is not None:
        name = escape(capitalize_first(ward.full_name))
        parts.append(f'<p><span data-pagefind-filter="ward">{name}</span></p>')
    if topics:
        parts.append(
            "<p>"
            + " ".join(
                f'<span data-pagefind-filter="topic">{escape(t.name)}</span>'
                for t in topics
            )
            + "</p>"
        )
    parts.append(f"<div>{article._content or ''}</div>")  # sanitized HTML
    authors = getattr(article, "authors", None) or ()
    if authors:
        parts.append("<p>" + escape(" – ".join(a.name for a in authors)) + "</p>")
    folded = d_words(
        article.title,
        article._content or "",
        getattr(ward, "full_name", ""),
        " ".join(t.name for t in topics),
    )
    if folded:
        parts.append(f"<p>{escape(folded)}</p>")
    parts.append("</main></body></html>")
    return "".join(parts)


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


def add_to_digest(digest, found: list[tuple[str, str]]) -> None:
    """Feed records to a hashlib digest (the key of the index they make)."""
    for path, text in found:
        digest.update(f"{path}\0{text}\0".encode())


def write_records(folder: Path, found: list[tuple[str, str]]) -> None:
    for path, text in found:
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
