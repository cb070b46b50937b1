"""Ward, year and topic pages: one term per name however it is spelled."""

import unicodedata
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from conftest import REGISTRY, build, soup, warnings_logged
from portal.metadata import resolve
from portal.registry import load_registry
from portal.urls import newest_first as order_key
from taxonomy.core import by_month, group

ATOM = "{http://www.w3.org/2005/Atom}"
NFD = unicodedata.normalize("NFD", "Nghi Hòa")


@pytest.fixture(scope="module")
def registry():
    return load_registry(REGISTRY)


@pytest.mark.parametrize(
    "spelling",
    [
        "Nghi Hòa",
        "Nghi Hoà",
        NFD,
        "nghi hòa",
        "  Nghi   Hòa ",
        "NGHI HÒA",
        "phường Nghi Hòa",
    ],
)
def test_ward_spellings_are_one_ward(registry, spelling):
    ward, _, problems = resolve("a.md", {"ward": spelling, "topics": "QP-AN"}, registry)
    assert problems == [] and ward.name == "Nghi Hòa" and ward.slug == "nghi-hoa"


@pytest.mark.parametrize(
    "spelling",
    [
        "Quốc phòng – An ninh",
        "Quốc phòng - An ninh",
        "QP-AN",
        "qp-an",
        "Quốc phòng, an ninh",
        unicodedata.normalize("NFD", "Quốc phòng – An ninh"),
    ],
)
def test_topic_spellings_are_one_topic(registry, spelling):
    meta = {"ward": "Nghi Hòa", "topics": [spelling]}
    _, topics, problems = resolve("a.md", meta, registry)
    assert problems == []
    assert [t.slug for t in topics] == ["quoc-phong-an-ninh"]


@pytest.mark.parametrize("pair", [("Thu Thủy", "Thu Thuỷ"), ("Nghi Hải", "nghi hải")])
def test_tone_placement_variants_resolve_alike(registry, pair):
    assert registry.ward(pair[0]) is registry.ward(pair[1]) is not None


def _art(title, date, ward=None, topics=(), source=None):
    from datetime import datetime

    return SimpleNamespace(
        title=title,
        date=datetime.fromisoformat(date),
        ward=ward,
        topics=list(topics),
        source_path=source or f"{title}.md",
    )


def test_grouping_is_one_pass_and_stably_ordered(registry):
    hoa, hai = registry.ward("Nghi Hòa"), registry.ward("Nghi Hải")
    qp = registry.topic("QP-AN")
    arts = [
        _art("B", "2024-03-01", hoa, [qp]),
        _art("A", "2024-03-01", hoa),  # same date: title decides
        _art("C", "2023-12-31", hai, [qp]),
        _art("D", "2024-05-02", hai),
    ]
    ordered = sorted(arts, key=order_key)
    assert [a.title for a in ordered] == ["D", "A", "B", "C"]
    wards, years, topics = group(ordered, registry.wards, registry.topics)
    assert {w.name: [a.title for a in v] for w, v in wards.items()} == {
        "Nghi Hòa": ["A", "B"],
        "Nghi Hải": ["D", "C"],
    }
    assert list(years) == [2024, 2023] and [a.title for a in years[2024]] == [
        "D",
        "A",
        "B",
    ]
    assert [a.title for a in topics[qp]] == ["B", "C"]
    assert [(m, [a.title for a in items]) for m, items in by_month(years[2024])] == [
        (5, ["D"]),
        (3, ["A", "B"]),
    ]


REPORT = (
    "Title: {title}\nDate: {date}\nWard: {ward}\nTopics: {topics}\n\n"
    "Nội dung {title}.\n"
)
MIXED = {
    "a.md": REPORT.format(
        title="Tin A", date="2024-01-05", ward="Nghi Hòa", topics="QP-AN"
    ),
    "b.md": REPORT.format(
        title="Tin B", date="2024-02-07", ward="Nghi Hoà", topics="Quốc phòng, an ninh"
    ),
    "c.md": REPORT.format(
        title="Tin C", date="2023-11-20", ward=NFD, topics="Quốc phòng – An ninh, Y tế"
    ),
    "d.md": REPORT.format(
        title="Tin D", date="2024-02-01", ward="nghi  hòa", topics="y tế"
    ),
    "e.md": REPORT.format(
        title="Tin E", date="2024-03-03", ward="Thu Thuỷ", topics="Y tế"
    ),
}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    import shutil

    root = tmp_path_factory.mktemp("tax")
    content = root / "content"
    (content / "data").mkdir(parents=True)
    shutil.copy(REGISTRY, content / "data/registry.toml")
    (content / "tin-tuc").mkdir()
    for name, text in MIXED.items():
        (content / "tin-tuc" / name).write_text(text, encoding="utf-8")
    out = root / "out"
    build(
        content,
        out,
        DEFAULT_PAGINATION=2,
        SITEURL="https://tin.example.vn",
        RELATIVE_URLS=False,
        FEED_DOMAIN="https://tin.example.vn",
    )
    return out


def titles(page):
    return [a.get_text(strip=True) for a in page.select(".card-title a")]


def test_one_page_per_ward_with_count_and_pagination(mixed):
    wards = sorted(p.parent.name for p in (mixed / "phuong").glob("*/index.html"))
    assert wards == ["nghi-hoa", "thu-thuy"]
    first = soup(mixed / "phuong/nghi-hoa/index.html")
    assert first.h1.get_text() == "Phường Nghi Hòa"
    assert "4 bản tin" in first.select_one(".term-intro").get_text()
    # the unit it belongs to today (registry history: since 01/12/2024)
    assert "thành phố Vinh, Nghệ An" in first.select_one(".term-intro").get_text()
    second = soup(mixed / "phuong/nghi-hoa/trang/2/index.html")
    assert titles(first) + titles(second) == ["Tin B", "Tin D", "Tin A", "Tin C"]
    assert not (mixed / "phuong/nghi-hoa/trang/3").exists()


def test_ward_index_lists_every_ward_and_links_only_those_with_reports(mixed):
    page = soup(mixed / "phuong/index.html")
    items = page.select(".term-list li")
    assert len(items) == 12  # every ward of the registry
    linked = {a.get_text(): a["href"] for a in page.select(".term-list a")}
    assert linked == {
        "Phường Nghi Hòa": "https://tin.example.vn/phuong/nghi-hoa/",
        "Phường Thu Thủy": "https://tin.example.vn/phuong/thu-thuy/",
    }
    assert not (mixed / "phuong/nghi-hai").exists()  # no empty term page


def test_topic_synonyms_make_one_topic_page(mixed):
    pages = sorted(p.parent.name for p in (mixed / "chu-de").glob("*/index.html"))
    assert pages == ["quoc-phong-an-ninh", "y-te"]
    qp = soup(mixed / "chu-de/quoc-phong-an-ninh/index.html")
    assert qp.h1.get_text() == "Quốc phòng – An ninh"
    index = soup(mixed / "chu-de/index.html").get_text(" ", strip=True)
    assert "Quốc phòng – An ninh 3 bản tin" in index and "Y tế 3 bản tin" in index


def test_year_pages_group_by_month_newest_first(mixed):
    page = soup(mixed / "nam/2024/index.html")
    assert page.h1.get_text() == "Tin năm 2024"
    months = [h.get_text() for h in page.select("section h2")]
    assert months == ["Tháng 3", "Tháng 2"]  # page 1 of 2 (two per page)
    years = soup(mixed / "nam/index.html").get_text(" ", strip=True)
    assert "2024 4 bản tin" in years and "2023 1 bản tin" in years


def test_feeds_are_atom_with_the_terms_reports(mixed):
    page = soup(mixed / "phuong/nghi-hoa/index.html")
    link = page.find("link", rel="alternate", type="application/atom+xml")
    assert link["href"] == "https://tin.example.vn/phuong/nghi-hoa/atom.xml"
    feed = ET.parse(mixed / "phuong/nghi-hoa/atom.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}").text
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Tin B",
        "Tin D",
        "Tin A",
        "Tin C",
    ]
    for entry in entries:
        assert entry.find(f"{ATOM}id").text and entry.find(f"{ATOM}updated").text
        assert (
            entry.find(f"{ATOM}link")
            .get("href")
            .startswith("https://tin.example.vn/tin-tuc/")
        )
    topic = ET.parse(mixed / "chu-de/y-te/atom.xml").getroot()
    assert len(topic.findall(f"{ATOM}entry")) == 3


def test_article_links_its_terms_and_has_a_breadcrumb(mixed):
    page = soup(mixed / "tin-tuc/2024/02/tin-b/index.html")
    crumb = page.select_one("nav.breadcrumb")
    assert crumb["aria-label"] == "Bạn đang ở"
    assert crumb.ol["itemtype"] == "https://schema.org/BreadcrumbList"
    items = crumb.select('li[itemprop="itemListElement"]')
    assert [li.get_text(strip=True) for li in items] == [
        "Trang chủ",
        "Phường Nghi Hòa, thị xã Cửa Lò",  # as on the report's date
        "2024",
        "Tin B",
    ]
    assert [m["content"] for m in crumb.select('meta[itemprop="position"]')] == [
        "1",
        "2",
        "3",
        "4",
    ]
    assert items[-1].select_one('[aria-current="page"]')
    assert (
        page.select_one("a.ward")["href"] == "https://tin.example.vn/phuong/nghi-hoa/"
    )
    assert [a["href"] for a in page.select("a.topic")] == [
        "https://tin.example.vn/chu-de/quoc-phong-an-ninh/"
    ]


def test_unknown_ward_is_named_with_a_suggestion(tmp_path, make_content, caplog):
    content = make_content(
        {
            "a.md": REPORT.format(
                title="Tin A", date="2024-01-05", ward="Nghi Hoa", topics="QP-AN"
            )
        }
    )
    settings = build(content, tmp_path / "out")
    assert any(
        "có phải ý bạn là: Nghi Hòa?" in m
        for m in warnings_logged(caplog.records, settings)
    )
    assert not (tmp_path / "out/phuong/nghi-hoa").exists()
