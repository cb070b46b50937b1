"""The search index: articles only, filters by ward/year/topic, đ searchable
as d, and the same bytes every build (the browser test searches it)."""

import json

import pytest
from conftest import build, soup
from search.fold import d_words
from search.stable import read_pf
from test_reader import assert_same_tree

REPORT = """Title: {title}
Date: {date}
Ward: {ward}
Topics: {topics}
Summary: Tóm tắt.

{body}
"""

ARTICLES = {
    "a.md": REPORT.format(
        title="Đảng uỷ phường Nghi Hoà tổng kết năm", date="2024-01-10",
        ward="Nghi Hoà", topics="QP-AN",
        body="Đảng uỷ, UBND phường Nghi Hòa tổ chức Hội nghị tổng kết.",
    ),
    "b.md": REPORT.format(
        title="Đức Thuận ra quân an toàn giao thông", date="2023-03-15",
        ward="Đức Thuận", topics="An toàn giao thông, Quốc phòng – An ninh",
        body="Đoàn Thanh niên phường Đức Thuận ra quân.",
    ),
    "c.md": REPORT.format(
        title="Nghi Hải hội nghị văn hóa", date="2024-02-20",
        ward="Nghi Hải", topics="Văn hóa – Thể thao",
        body="UBND phường Nghi Hải tổ chức hội nghị văn hóa.",
    ),
}


@pytest.mark.parametrize(
    "texts, expected",
    [
        (("Đảng uỷ phường",), "dảng"),
        (("<p>Đ/c <b>Đức</b> Thuận</p>",), "d dức"),
        (("Đoàn và đoàn", "ĐẢNG"), "doàn dảng"),
        (("không có chữ ấy",), ""),
        (("a &amp; Đê",), "dê"),
    ],
)
def test_d_words_are_the_words_with_d_written_plainly(texts, expected):
    assert d_words(*texts) == " ".join(sorted(expected.split()))


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    root = tmp_path_factory.mktemp("search")
    content = root / "content"
    (content / "data").mkdir(parents=True)
    from conftest import REGISTRY

    (content / "data/registry.toml").write_bytes(REGISTRY.read_bytes())
    for name, text in ARTICLES.items():
        (content / "tin-tuc").mkdir(exist_ok=True)
        (content / "tin-tuc" / name).write_text(text, encoding="utf-8")
    outs = [root / "one", root / "two"]
    for out in outs:
        build(content, out)
    return outs


def filters(bundle):
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = read_pf(bundle / f"pagefind.{entry['languages']['vi']['hash']}.pf_meta")
    out = {}
    for name, file_hash in meta[3]:
        _, values = read_pf(bundle / "filter" / f"{file_hash}.pf_filter")
        out[name] = {value: len(pages) for value, pages in values}
    return entry, out


def test_index_is_byte_identical_build_to_build(indexed):
    one, two = indexed
    assert assert_same_tree(one / "pagefind", two / "pagefind") > 5


def test_index_holds_articles_only_with_registry_filters(indexed):
    entry, found = filters(indexed[0] / "pagefind")
    assert entry["languages"]["vi"]["page_count"] == len(ARTICLES)
    assert found["ward"] == {
        "Phường Nghi Hòa": 1, "Phường Đức Thuận": 1, "Phường Nghi Hải": 1
    }
    assert found["year"] == {"2024": 2, "2023": 1}
    assert found["topic"] == {
        "Quốc phòng – An ninh": 2, "An toàn giao thông": 1, "Văn hóa – Thể thao": 1
    }


def test_article_pages_carry_their_d_words_for_the_index(indexed):
    page = soup(indexed[0] / "tin-tuc/2023/03/duc-thuan-ra-quan-an-toan-giao-thong/index.html")
    body = page.find(attrs={"data-pagefind-body": True})
    assert body is not None
    hidden = body.find("p", hidden=True)
    assert {"dức", "doàn"} <= set(hidden.get_text().split())
    assert body.find(attrs={"data-pagefind-meta": "title"}).get_text() == (
        "Đức Thuận ra quân an toàn giao thông"
    )
    # listings are not indexed: no page but articles has a body marker
    assert soup(indexed[0] / "index.html").find(attrs={"data-pagefind-body": True}) is None
