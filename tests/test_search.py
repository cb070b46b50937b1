"""The search index: Pagefind's own indexer, one bundle per year, kept
from build to build when its reports did not change (the browser tests in
test_browser.py search it)."""

import logging
from datetime import date
from pathlib import Path

import pytest
import search
from conftest import build
from search import bundles
from search.records import Record, bundle_names, record_html
from search.stable import stabilise
from search_fixture import DOCUMENT_TITLE, write_fixture


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class Messages(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.records = []

    def emit(self, record):
        self.records.append(record)

    def text(self, level=logging.WARNING):
        return [r.getMessage() for r in self.records if r.levelno >= level]


@pytest.fixture
def messages():
    handler = Messages()
    logging.getLogger().addHandler(handler)
    plugin = logging.getLogger("search")
    level = plugin.level
    plugin.setLevel(logging.INFO)
    yield handler
    plugin.setLevel(level)
    logging.getLogger().removeHandler(handler)


@pytest.mark.parametrize(
    ("days", "largest", "names"),
    [
        ([date(2024, 1, 5), date(2023, 7, 1)], 5, ["2024", "2023"]),
        # a year too large: by half-year; a half-year too large: by month
        (
            [date(2024, 1, 5), date(2024, 2, 5), date(2024, 8, 1)],
            2,
            ["2024-h1", "2024-h1", "2024-h2"],
        ),
        (
            [date(2024, 1, 5), date(2024, 2, 5), date(2024, 8, 1)],
            1,
            ["2024-01", "2024-02", "2024-h2"],
        ),
    ],
)
def test_a_bundle_a_year_split_when_too_large(days, largest, names):
    assert bundle_names(days, largest) == names


def test_a_record_holds_the_reports_own_words_only():
    record = Record(
        save_as="tin-tuc/2024/03/a/index.html",
        source="a.md",
        title="Đảng uỷ họp",
        day=date(2024, 3, 5),
        ward="Nghi Hòa",
        ward_full="Phường Nghi Hòa",
        topics=("Xây dựng Đảng",),
        authors=("Minh Tâm",),
        body="<p>Đảng uỷ phường Đống Đa.</p>",
    )
    html = record_html(record)
    # searched: headline (weighted), ward, body; shown: title, ward, date
    assert '<h1 data-pagefind-weight="10">Đảng uỷ họp</h1>' in html
    assert '<p data-pagefind-weight="6">Phường Nghi Hòa</p>' in html
    assert 'data-pagefind-meta="date[content]" content="05/03/2024"' in html
    assert 'data-pagefind-filter="Phường[content]" content="Nghi Hòa"' in html
    assert 'data-pagefind-filter="Năm[content]" content="2024"' in html
    # no folded copy: "dang" or "Dong Da" nowhere
    assert "dang" not in html.lower() and "dong" not in html.lower()


def built(tmp_path: Path, name: str = "out", **override) -> Path:
    output = tmp_path / name
    override.setdefault("CACHE_PATH", str(tmp_path / "cache"))
    build(tmp_path / "content", output, **override)
    return output


def test_one_bundle_a_year(tmp_path, messages):
    write_fixture(tmp_path / "content")
    output = built(tmp_path)
    listing = (output / "pagefind/bundles.json").read_text(encoding="utf-8")
    assert '"bundles": ["2024", "2023"]' in listing
    for year in ("2024", "2023"):
        assert (output / "pagefind" / year / "pagefind.js").is_file()
    assert any("lập lại 2 (2023, 2024)" in m for m in messages.text(logging.INFO))
    assert messages.text() == []


def test_announcements_and_documents_are_indexed_with_their_filters(
    tmp_path, monkeypatch, messages
):
    """The office plugin's announcements and documents (read from the
    context it fills) go into the index beside the reports, each kind
    under the "Loại" filter, a document under its type and issuer too."""
    handed = {}

    def record_html(record):
        handed[record.save_as] = html = records_html(record)
        return html

    records_html = search.record_html
    monkeypatch.setattr(search, "record_html", record_html)
    write_fixture(tmp_path / "content", office=True)
    output = built(tmp_path)

    def filter_of(html, name, value):
        return f'data-pagefind-filter="{name}[content]" content="{value}"' in html

    notice = next(h for path, h in handed.items() if path.startswith("thong-bao/"))
    document = next(h for path, h in handed.items() if path.startswith("van-ban/"))
    report = next(h for path, h in handed.items() if path.startswith("tin-tuc/"))
    assert filter_of(notice, "Loại", "Thông báo")
    assert filter_of(notice, "Năm", "2024")
    assert "Lịch tiêm vắc xin cho trẻ em (ví dụ)</h1>" in notice
    assert filter_of(document, "Loại", "Văn bản")
    assert filter_of(document, "Loại văn bản", "Kế hoạch")
    assert filter_of(document, "Cơ quan ban hành", "UBND phường Nghi Hải")
    assert 'data-pagefind-meta="number[content]" content="12/KH-UBND"' in document
    assert f'<h1 data-pagefind-weight="10">{DOCUMENT_TITLE}</h1>' in document
    assert filter_of(report, "Loại", "Tin tức")
    assert len(handed) == 11  # 9 reports, 1 announcement, 1 document
    # ...and the 2024 bundle Pagefind wrote holds them (6 reports + 2).
    entry = (output / "pagefind/2024/pagefind-entry.json").read_text("utf-8")
    assert '"page_count":8' in entry.replace(" ", "")
    # their pages exist where the results link to
    for path in handed:
        assert (output / path).is_file(), path
    assert messages.text() == []


def test_an_unchanged_year_is_kept_byte_for_byte(tmp_path, messages):
    content = write_fixture(tmp_path / "content")
    output = built(tmp_path)
    before = tree(output / "pagefind/2023")
    mtimes = {p: p.stat().st_mtime_ns for p in (output / "pagefind/2023").rglob("*")}
    (content / "tin-tuc/new.md").write_text(
        "Title: Tin mới\nDate: 2024-12-01\nWard: Nghi Hòa\nTopics: Y tế\n\n"
        "Trạm y tế phường tiêm chủng.\n",
        encoding="utf-8",
    )
    messages.records.clear()
    built(tmp_path)
    assert any("lập lại 1 (2024)" in m for m in messages.text(logging.INFO))
    assert tree(output / "pagefind/2023") == before
    # not even copied again
    assert {
        p: p.stat().st_mtime_ns for p in (output / "pagefind/2023").rglob("*")
    } == mtimes
    # a fresh output (a deploy with cache/ kept) indexes nothing again
    messages.records.clear()
    fresh = built(tmp_path, "fresh")
    assert any("lập lại 0 (không gói nào)" in m for m in messages.text(logging.INFO))
    assert tree(fresh / "pagefind") == tree(output / "pagefind")


def test_the_index_is_the_same_bytes_build_to_build(tmp_path):
    write_fixture(tmp_path / "content")
    first = built(tmp_path, "a", CACHE_PATH=str(tmp_path / "cache-a"))
    second = built(tmp_path, "b", CACHE_PATH=str(tmp_path / "cache-b"))
    assert tree(first / "pagefind") == tree(second / "pagefind")


def test_pagefind_still_writes_filters_in_a_random_order(tmp_path):
    """Why search/stable.py exists: the day this fails, Pagefind writes its
    filter files in a stable order and stable.py can go."""
    site = tmp_path / "site"
    pages = []
    for i in range(40):
        path = f"p{i}/index.html"
        html = (
            f'<html lang="vi"><head><meta data-pagefind-filter="Phường[content]"'
            f' content="P{i % 9}"><meta data-pagefind-filter="Năm[content]"'
            f' content="{2000 + i % 7}"></head><body><p>tin {i}</p></body></html>'
        )
        (site / path).parent.mkdir(parents=True)
        (site / path).write_text(html, encoding="utf-8")
        pages.append([path, path])

    def index(n: int, stable: bool) -> dict:
        target = tmp_path / f"bundle-{n}-{stable}"
        job = {"site": str(site), "target": str(target), "pages": pages}
        bundles._index(job)
        if stable:
            stabilise(target)
        return tree(target)

    raw = [index(n, False) for n in range(4)]
    assert any(run != raw[0] for run in raw[1:])
    steady = [index(n, True) for n in range(3)]
    assert all(run == steady[0] for run in steady[1:])


LONG = dict(
    title="Bài rất dài",
    date="2024-02-02",
    ward="Nghi Hòa",
    topics="Y tế",
    body="Nội dung dài. " * 3000,
)


def test_a_report_left_out_is_named_and_the_rest_indexed(tmp_path, messages):
    write_fixture(tmp_path / "content", {"rat-dai.md": dict(LONG)})
    output = built(tmp_path, SEARCH_MAX_CHARS=20_000)
    warned = messages.text()
    assert len(warned) == 1
    assert "tin-tuc/rat-dai.md" in warned[0]
    assert "không vào được chỉ mục tìm kiếm" in warned[0]
    assert (output / "pagefind/2024/pagefind.js").is_file()
    assert (output / "pagefind/2023/pagefind.js").is_file()


def test_a_strict_build_fails_on_it_and_still_writes_the_index(tmp_path, messages):
    write_fixture(tmp_path / "content", {"rat-dai.md": dict(LONG)})
    with pytest.raises(SystemExit):
        built(tmp_path, SEARCH_MAX_CHARS=20_000, SEARCH_STRICT=True)
    errors = messages.text(logging.ERROR)
    assert any("tin-tuc/rat-dai.md" in m for m in errors)
    assert (tmp_path / "out/pagefind/2024/pagefind.js").is_file()


def test_no_index_when_switched_off(tmp_path):
    write_fixture(tmp_path / "content")
    output = built(tmp_path, SEARCH_INDEX=False)
    assert (output / "tim-kiem/index.html").is_file()
    assert not (output / "pagefind").exists()


def test_a_page_pagefind_does_not_take_is_named_and_the_rest_indexed(tmp_path):
    """The fallback of search.bundles: a run that indexes fewer pages than
    it was given is redone page by page. (Pagefind 1.5.2 took emoji,
    control characters and a 4-million-word body; it leaves out a page
    without an <html> element, which a record never is: made by hand here.)"""
    site = tmp_path / "site"
    for name, html in (
        ("a", '<html lang="vi"><body><h1>Xin chào</h1></body></html>'),
        ("b", "<p>không có thẻ html</p>"),
    ):
        (site / name).mkdir(parents=True)
        (site / name / "index.html").write_text(html, encoding="utf-8")
    job = {
        "site": str(site),
        "target": str(tmp_path / "bundle"),
        "pages": [["a/index.html", "a.md"], ["b/index.html", "b.md"]],
    }
    rejected = bundles._index(job)
    assert [source for source, _ in rejected] == ["b.md"]
    assert "<html>" in rejected[0][1]
    assert (tmp_path / "bundle/pagefind-entry.json").is_file()
