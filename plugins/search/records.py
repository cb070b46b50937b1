"""What Pagefind indexes for one report, announcement or document, and
which bundle it goes in.

Plain functions on plain data: a :class:`Record` is made from an article by
:func:`record_of` (from an announcement or a document by
:func:`office_record_of`) and turned into the small HTML page Pagefind reads
(:func:`record_html`), with Pagefind's documented ``data-pagefind-*``
attributes saying what is searched, shown, filtered and sorted on.  Only
text the report's own page shows goes in: headline, ward, body, topics and
byline, never a folded copy, so no excerpt can show a word the report does
not have.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from html import escape

from vietnamese.dates import short_date
from vietnamese.text import capitalize_first

# Filter names, as the search page shows them.
WARD, YEAR, TOPIC = "Phường", "Năm", "Chủ đề"
KIND, DOC_TYPE, ISSUER = "Loại", "Loại văn bản", "Cơ quan ban hành"
# Values of the KIND filter.
REPORT, ANNOUNCEMENT, DOCUMENT = "Tin tức", "Thông báo", "Văn bản"
# Pagefind's weights (1 = body text, h1 = 7 by default, at most 10): the
# headline above the ward's name above the body, so that "nghi hoa" puts
# Nghi Hòa's reports first and a headline match beats a body match.
TITLE_WEIGHT = 10
WARD_WEIGHT = 6
TOPIC_WEIGHT = 2


@dataclass(frozen=True)
class Record:
    """One report (announcement, document) as the search index sees it."""

    save_as: str  # the page's path in the output ("tin-tuc/2024/03/x/index.html")
    source: str  # the Markdown file, for messages
    title: str
    day: date
    ward: str  # "Nghi Hòa"
    ward_full: str  # "Phường Nghi Hòa", as the report's page shows it
    topics: tuple[str, ...]
    authors: tuple[str, ...]
    body: str  # the rendered (sanitized) HTML of the report
    kind: str = REPORT  # REPORT, ANNOUNCEMENT or DOCUMENT
    number: str = ""  # a document's number ("12/KH-UBND")
    doc_type: str = ""  # a document's type ("Kế hoạch")
    issuer: str = ""  # a document's issuer ("UBND phường Nghi Hòa")


def record_of(article) -> Record:
    """The record of a Pelican article the portal plugin has resolved."""
    ward = getattr(article, "ward", None)
    return Record(
        save_as=article.save_as,
        source=article.source_path,
        title=article.title,
        day=article.date.date(),
        ward=ward.name if ward else "",
        ward_full=capitalize_first(ward.full_name) if ward else "",
        topics=tuple(t.name for t in getattr(article, "topics", None) or ()),
        authors=tuple(a.name for a in getattr(article, "authors", None) or ()),
        body=article.content,
    )


def office_record_of(item, kind: str) -> Record:
    """The record of an announcement (``kind`` ANNOUNCEMENT) or a document
    (DOCUMENT) as the office plugin put it in the context: its number,
    type and issuer are the ones its page shows."""
    return Record(
        save_as=item.save_as,
        source=item.source_path,
        title=item.title,
        day=item.date.date(),
        ward="",
        ward_full="",
        topics=(),
        authors=(),
        body=item.content,
        kind=kind,
        number=str(getattr(item, "number", "") or ""),
        doc_type=str(getattr(item, "doc_type", "") or ""),
        issuer=str(getattr(item, "issuer", "") or ""),
    )


def _meta(kind: str, name: str, value: str) -> str:
    return (
        f'<meta data-pagefind-{kind}="{escape(name)}[content]"'
        f' content="{escape(value)}">'
    )


def record_html(record: Record) -> str:
    """The page Pagefind indexes for ``record``.  Filters, shown metadata and
    the sort key sit in ``<head>``; the searched text in ``<body>``."""
    head = [
        _meta("meta", "title", record.title),
        _meta("meta", "date", short_date(record.day)),
        _meta("sort", "date", record.day.isoformat()),
        _meta("filter", YEAR, str(record.day.year)),
        _meta("filter", KIND, record.kind),
    ]
    if record.kind != REPORT:
        head.append(_meta("meta", "kind", record.kind))
    if record.number:
        head.append(_meta("meta", "number", record.number))
    if record.doc_type:
        head.append(_meta("filter", DOC_TYPE, record.doc_type))
    if record.issuer:
        head.append(_meta("filter", ISSUER, record.issuer))
    if record.ward:
        head.append(_meta("meta", "ward", record.ward_full))
        head.append(_meta("filter", WARD, record.ward))
    head += [_meta("filter", TOPIC, topic) for topic in record.topics]
    body = [f'<h1 data-pagefind-weight="{TITLE_WEIGHT}">{escape(record.title)}</h1>']
    if record.ward:
        body.append(
            f'<p data-pagefind-weight="{WARD_WEIGHT}">{escape(record.ward_full)}</p>'
        )
    document = [record.number, record.doc_type, record.issuer]
    if any(document):
        text = escape(" · ".join(part for part in document if part))
        body.append(f'<p data-pagefind-weight="{WARD_WEIGHT}">{text}</p>')
    body.append(f"<div>{record.body}</div>")
    if record.topics:
        topics = escape(", ".join(record.topics))
        body.append(f'<p data-pagefind-weight="{TOPIC_WEIGHT}">{topics}</p>')
    if record.authors:
        body.append(f"<p>{escape(', '.join(record.authors))}</p>")
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        + "".join(head)
        + "</head><body>"
        + "".join(body)
        + "</body></html>\n"
    )


def bundle_names(days: list[date], largest: int) -> list[str]:
    """The bundle of each day, in order: its year ("2024"); a year with more
    than ``largest`` reports by half-year ("2024-h1"), a half-year still
    larger by month ("2024-05").  One bundle a year keeps a year's index
    apart from the others, so an edit re-indexes that year only."""
    by_year: dict[int, int] = {}
    by_half: dict[tuple[int, int], int] = {}
    for day in days:
        by_year[day.year] = by_year.get(day.year, 0) + 1
        half = (day.year, 1 if day.month <= 6 else 2)
        by_half[half] = by_half.get(half, 0) + 1
    names = []
    for day in days:
        half = 1 if day.month <= 6 else 2
        if by_year[day.year] <= largest:
            names.append(f"{day.year}")
        elif by_half[day.year, half] <= largest:
            names.append(f"{day.year}-h{half}")
        else:
            names.append(f"{day.year}-{day.month:02d}")
    return names


def digest(pages: list[tuple[str, str]], *extra: str) -> str:
    """A bundle's key: its pages (path, HTML) and what else shapes its
    files (Pagefind's version, its options)."""
    key = hashlib.blake2b(digest_size=10)
    for part in extra:
        key.update(part.encode() + b"\0")
    for path, html in sorted(pages):
        key.update(path.encode() + b"\0" + html.encode() + b"\0")
    return key.hexdigest()
