"""Award tallies added up per ward and year, and written as open data (pure)."""

import csv
import html
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

_FIGURE = re.compile(r"<figure\b.*?</figure>|<figcaption\b.*?</figcaption>", re.S)
_BREAK = re.compile(r"</(p|li|h\d|div|blockquote|tr)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")


def plain_text(body_html: str) -> str:
    """Paragraphs of an article body as lines of text, photos and captions out."""
    text = _FIGURE.sub("\n", body_html or "")
    text = _BREAK.sub("\n", text)
    return html.unescape(_TAG.sub("", text))


@dataclass
class Totals:
    collectives: int = 0
    individuals: int = 0
    unsplit: int = 0
    articles: int = 0

    def add(self, tally) -> None:
        self.collectives += tally.collectives
        self.individuals += tally.individuals
        self.unsplit += tally.unsplit
        self.articles += 1

    def as_dict(self) -> dict:
        return {
            "collectives": self.collectives,
            "individuals": self.individuals,
            "unsplit": self.unsplit,
            "articles": self.articles,
        }


@dataclass
class Row:
    url: str
    title: str
    date: str  # ISO 8601 with offset
    year: int
    ward: str
    ward_slug: str
    tally: object  # parser.Tally

    def as_dict(self) -> dict:
        return {
            "url": self.url,
            "title": self.title,
            "date": self.date,
            "ward": self.ward,
            "collectives": self.tally.collectives,
            "individuals": self.tally.individuals,
            "unsplit": self.tally.unsplit,
            "forms": list(self.tally.forms),
            "givers": list(self.tally.givers),
        }


@dataclass
class Summary:
    rows: list[Row] = field(default_factory=list)
    by_ward_year: dict = field(default_factory=dict)  # (slug, year) -> Totals
    by_ward: dict = field(default_factory=dict)  # slug -> Totals
    by_year: dict = field(default_factory=dict)  # year -> Totals
    wards: list = field(default_factory=list)  # [(slug, name)] registry order
    years: list[int] = field(default_factory=list)  # newest first

    def year_chart(self, year: int) -> list["ChartRow"]:
        """The chart of one year (:func:`year_chart`)."""
        return year_chart(self, year)

    def has_unsplit(self, year: int | None = None) -> bool:
        """Whether any count of ``year`` (or of any year) is unsplit: the
        column and its explanation are shown only then."""
        totals = [self.by_year[year]] if year is not None else self.by_year.values()
        return any(t.unsplit for t in totals)


@dataclass(frozen=True)
class ChartRow:
    """One ward's bars in a year's chart: collectives and individuals are
    two bars on one scale, never added into one figure; widths are
    percentages of the year's largest count (SVG widths, no inline style)."""

    name: str
    collectives: int
    individuals: int
    unsplit: int
    collectives_pct: str
    individuals_pct: str


def _pct(value: int, largest: int) -> str:
    return f"{100 * value / largest:.1f}%" if largest else "0%"


def year_chart(summary: "Summary", year: int) -> list[ChartRow]:
    """The wards with awards in ``year``, in registry order, with their bars."""
    rows = [
        (name, summary.by_ward_year[(slug, year)])
        for slug, name in summary.wards
        if (slug, year) in summary.by_ward_year
    ]
    largest = max((max(t.collectives, t.individuals) for _, t in rows), default=0)
    return [
        ChartRow(
            name,
            t.collectives,
            t.individuals,
            t.unsplit,
            _pct(t.collectives, largest),
            _pct(t.individuals, largest),
        )
        for name, t in rows
    ]


def summarize(rows: list[Row], ward_order: list[tuple[str, str]]) -> Summary:
    """Rows (articles with awards) ordered date, title; totals in one pass."""
    rows = sorted(rows, key=lambda r: (r.date, r.title, r.url), reverse=True)
    by_ward_year, by_ward, by_year = (
        defaultdict(Totals),
        defaultdict(Totals),
        defaultdict(Totals),
    )
    for row in rows:
        by_ward_year[(row.ward_slug, row.year)].add(row.tally)
        by_ward[row.ward_slug].add(row.tally)
        by_year[row.year].add(row.tally)
    wards = [(slug, name) for slug, name in ward_order if slug in by_ward]
    return Summary(
        rows=rows,
        by_ward_year=dict(by_ward_year),
        by_ward=dict(by_ward),
        by_year=dict(by_year),
        wards=wards,
        years=sorted(by_year, reverse=True),
    )


def write_json(summary: Summary, out, site_url: str = "") -> None:
    """The tallies (:func:`open_data`) as indented JSON, to the text file
    ``out``."""
    json.dump(open_data(summary, site_url), out, ensure_ascii=False, indent=1)
    out.write("\n")


def _by_ward_then_newest(summary: Summary) -> list:
    """((ward slug, year), totals), by ward, then newest year first."""
    return sorted(summary.by_ward_year.items(), key=lambda kv: (kv[0][0], -kv[0][1]))


def open_data(summary: Summary, site_url: str = "") -> dict:
    """What the JSON file holds: the articles, the totals per ward and
    year, and per year."""
    names = dict(summary.wards)
    return {
        "schema": "khen-thuong/1",
        "articles": [
            {**r.as_dict(), "url": f"{site_url}/{r.url}"} for r in summary.rows
        ],
        "by_ward_year": [
            {"ward": names[slug], "ward_slug": slug, "year": year, **t.as_dict()}
            for (slug, year), t in _by_ward_then_newest(summary)
        ],
        "by_year": [{"year": y, **summary.by_year[y].as_dict()} for y in summary.years],
    }


CSV_FIELDS = [
    "kind",
    "url",
    "title",
    "date",
    "ward",
    "year",
    "collectives",
    "individuals",
    "unsplit",
    "forms",
    "givers",
]


def write_csv(summary: Summary, out, site_url: str = "") -> None:
    """One row per article ("article"), then per ward and year ("ward_year"),
    written to the text file ``out`` row by row (the columns of
    ``CSV_FIELDS``; those a row has not are empty)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for r in summary.rows:
        t = r.tally
        writer.writerow(
            (
                "article",
                f"{site_url}/{r.url}",
                r.title,
                r.date,
                r.ward,
                r.year,
                t.collectives,
                t.individuals,
                t.unsplit,
                "; ".join(t.forms),
                "; ".join(t.givers),
            )
        )
    names = dict(summary.wards)
    for (slug, year), t in _by_ward_then_newest(summary):
        row = ("ward_year", "", "", "", names[slug], year)
        writer.writerow((*row, t.collectives, t.individuals, t.unsplit, "", ""))
