"""The search index: articles only, filters by ward/year/topic, đ searchable
as d, and the same bytes every build (the browser test searches it)."""

import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import search
from conftest import ROOT, build
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
        title="Đảng uỷ phường Nghi Hoà tổng kết năm",
        date="2024-01-10",
        ward="Nghi Hoà",
        topics="QP-AN",
        body="Đảng uỷ, UBND phường Nghi Hòa tổ chức Hội nghị tổng kết.",
    ),
    "b.md": REPORT.format(
        title="Đức Thuận ra quân an toàn giao thông",
        date="2023-03-15",
        ward="Đức Thuận",
        topics="An toàn giao thông, Quốc phòng – An ninh",
        body="Đoàn Thanh niên phường Đức Thuận ra quân.",
    ),
    "c.md": REPORT.format(
        title="Nghi Hải hội nghị văn hóa",
        date="2024-02-20",
        ward="Nghi Hải",
        topics="Văn hóa – Thể thao",
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
    for out in outs:  # each with its own cache: Pagefind runs twice
        build(content, out, CACHE_PATH=str(out.with_name(out.name + "-cache")))
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
        "Phường Nghi Hòa": 1,
        "Phường Đức Thuận": 1,
        "Phường Nghi Hải": 1,
    }
    assert found["year"] == {"2024": 2, "2023": 1}
    assert found["topic"] == {
        "Quốc phòng – An ninh": 2,
        "An toàn giao thông": 1,
        "Văn hóa – Thể thao": 1,
    }


def fragments(bundle) -> dict[str, dict]:
    """What Pagefind returns for each indexed page, by URL."""
    found = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(b"pagefind_dcd")
        data = json.loads(raw[len(b"pagefind_dcd") :])
        found[data["url"]] = data
    return found


def test_each_article_is_indexed_at_its_address_with_its_text(indexed):
    out = indexed[0]
    found = fragments(out / "pagefind")
    pages = {
        "/" + str(p.parent.relative_to(out)) + "/"
        for p in (out / "tin-tuc").rglob("index.html")
    }
    assert set(found) == pages  # articles only, at the URLs the site has
    page = found["/tin-tuc/2023/03/duc-thuan-ra-quan-an-toan-giao-thong/"]
    assert page["meta"]["title"] == "Đức Thuận ra quân an toàn giao thông"
    assert page["meta"]["date"] == "15/03/2023"
    assert page["filters"] == {
        "year": ["2023"],
        "ward": ["Phường Đức Thuận"],
        "topic": ["An toàn giao thông", "Quốc phòng – An ninh"],
    }
    assert "Đoàn Thanh niên phường Đức Thuận ra quân." in page["content"]
    # the đ-words written with d, so "duc thuan" and "doan" find them
    assert {"dức", "doàn"} <= set(page["content"].replace(".", " ").split())


def test_unchanged_reports_keep_the_index_and_an_edit_rebuilds_it(
    tmp_path, make_content
):
    content = make_content(ARTICLES)
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(content, out, CACHE_PATH=str(cache))
    before = {p: p.stat().st_mtime_ns for p in (out / "pagefind").rglob("*")}
    build(content, out, CACHE_PATH=str(cache))  # as `make html` twice
    after = {p: p.stat().st_mtime_ns for p in (out / "pagefind").rglob("*")}
    assert after == before  # Pagefind did not run: the same files, untouched
    report = content / "tin-tuc/c.md"
    report.write_text(
        report.read_text(encoding="utf-8").replace("văn hóa.", "văn hóa mới."),
        encoding="utf-8",
    )
    build(content, out, CACHE_PATH=str(cache))
    texts = [f["content"] for f in fragments(out / "pagefind").values()]
    assert any("văn hóa mới." in t for t in texts)
    assert not list(tmp_path.glob(".out.pagefind-*"))  # nothing left beside it


def test_a_build_that_stops_early_leaves_no_indexer_or_its_files(
    tmp_path, make_content
):
    """A strict build stops on a content error after Pagefind has started
    (search starts when the reports are resolved; the stop comes when every
    generator has reported): the indexer is stopped and its records and
    half-written bundle removed, whatever the moment."""
    scratch = Path(search._scratch() or tempfile.gettempdir())
    before = set(scratch.glob("pagefind-*"))
    bad = ARTICLES["a.md"].replace("Ward: Nghi Hoà", "Ward: Nghi Hoa Hoa")
    content = make_content({**ARTICLES, "a.md": bad})
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            str(content),
            "-o",
            str(tmp_path / "out"),
            "-s",
            str(ROOT / "pelicanconf.py"),
            "-e",
            "PORTAL_STRICT=true",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0 and "Nghi Hoa Hoa" in run.stdout + run.stderr
    assert set(scratch.glob("pagefind-*")) == before
    assert list(tmp_path.glob(".out.pagefind-*")) == []
    running = [
        cmd
        for cmd in (p.read_bytes() for p in Path("/proc").glob("[0-9]*/cmdline"))
        if str(scratch / "pagefind-").encode() in cmd
    ]
    assert running == []
