"""The sanitizing reader: each report converted on its own, and Pelican's
content cache keeping what the reader gave (sanitized NFC HTML)."""

import filecmp
import os
from pathlib import Path

import pytest
from conftest import build, settings_for
from pelican import Pelican
from pelican.utils import get_date
from safe_markdown.reader import SafeMarkdownReader, parse_date
from vietnamese.dates import DateError


def assert_same_tree(left: Path, right: Path) -> int:
    """Both folders hold the same files, byte for byte; return how many."""
    files = sorted(str(p.relative_to(right)) for p in right.rglob("*") if p.is_file())
    others = sorted(str(p.relative_to(left)) for p in left.rglob("*") if p.is_file())
    assert files == others
    match, mismatch, errors = filecmp.cmpfiles(left, right, files, shallow=False)
    assert mismatch == [] and errors == []
    return len(match)


STATEFUL = """Title: Bài {n}
Date: 2024-03-0{n} 08:3{n}
Ward: Nghi Hòa
Topics: QP-AN

Đoạn có chú thích cuối trang[^1] và chữ viết tắt HĐND.

*[HĐND]: Hội đồng nhân dân

| Cột | Giá trị |
|-----|---------|
| a   | {n}     |

[^1]: Ghi chú của bài {n}.
"""


def test_each_report_keeps_its_own_footnotes_and_abbreviations(tmp_path, make_content):
    content = make_content({f"b{n}.md": STATEFUL.format(n=n) for n in range(1, 6)})
    build(content, tmp_path / "out", SEARCH_INDEX=False)
    page = (tmp_path / "out/tin-tuc/2024/03/bai-3/index.html").read_text()
    assert "Ghi chú của bài 3." in page and "Ghi chú của bài 2." not in page
    assert '<abbr title="Hội đồng nhân dân">HĐND</abbr>' in page


@pytest.mark.parametrize(
    "text", ["2024-01-10", "2024-01-10 14:30", "2024-12-31 23:59:59", " 2024-02-29 "]
)
def test_fast_date_parse_equals_pelicans(text):
    fast = parse_date(text)
    assert fast == get_date(text.strip()) and type(fast) is type(get_date(text.strip()))


@pytest.mark.parametrize("text", ["2024-02-30", "hôm qua"])
def test_a_date_that_is_not_one_is_refused_in_vietnamese(text):
    with pytest.raises(DateError):  # Pelican then names the file (portal words it)
        parse_date(text)


def test_day_first_dates_mean_what_vietnamese_mean():
    assert parse_date("05/03/2024") == get_date("2024-03-05")


UNSAFE = (
    STATEFUL
    + """
<script>alert("{n}")</script><p onclick="x()">Đoạn Hoà</p>
"""
)


def cached_build(content, output, cache):
    """A build that keeps and loads Pelican's content cache in ``cache``."""
    settings = settings_for(
        content,
        output,
        SEARCH_INDEX=False,
        CACHE_PATH=str(cache),
        CACHE_CONTENT=True,
        LOAD_CONTENT_CACHE=True,
        CHECK_MODIFIED_METHOD="mtime",
    )
    Pelican(settings).run()


def test_pelicans_content_cache_keeps_sanitized_bodies(
    tmp_path, make_content, monkeypatch
):
    """A rebuild with Pelican's cache reads only the edited report, and the
    bodies it takes from the cache are the sanitized ones: the site is the
    one a build without any cache makes."""
    content = make_content(
        {
            f"b{n}.md": UNSAFE.format(n=n).replace("Hoà", "Hoa\u0300")
            for n in range(1, 6)
        }
    )
    cache = tmp_path / "cache"
    cached_build(content, tmp_path / "first", cache)
    assert any(cache.iterdir())

    edited = content / "tin-tuc/b2.md"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("Đoạn có", "Đoạn đã sửa có"),
        encoding="utf-8",
    )
    stat = edited.stat()
    os.utime(edited, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    read = []
    original = SafeMarkdownReader.read

    def counting(self, source_path):
        read.append(Path(source_path).name)
        return original(self, source_path)

    monkeypatch.setattr(SafeMarkdownReader, "read", counting)
    cached_build(content, tmp_path / "again", cache)
    assert read == ["b2.md"]

    monkeypatch.setattr(SafeMarkdownReader, "read", original)
    build(content, tmp_path / "fresh", SEARCH_INDEX=False)
    assert assert_same_tree(tmp_path / "again", tmp_path / "fresh") > 5
    page = (tmp_path / "again/tin-tuc/2024/03/bai-3/index.html").read_text()
    assert "<script" not in page.split("</head>")[1] and "onclick" not in page
    assert "Đoạn Hoà" in page  # NFC
    assert "Đoạn đã sửa có" in (
        tmp_path / "again/tin-tuc/2024/03/bai-2/index.html"
    ).read_text(encoding="utf-8")
