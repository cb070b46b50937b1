"""The sanitizing reader's speed-ups change nothing in the output."""

import filecmp

import pytest
from conftest import build
from pelican.utils import get_date
from safe_markdown.reader import parse_date

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


def test_reusing_one_converter_gives_identical_output(tmp_path, make_content):
    content = make_content({f"b{n}.md": STATEFUL.format(n=n) for n in range(1, 6)})
    build(content, tmp_path / "reused", SAFE_MARKDOWN_REUSE_CONVERTER=True)
    build(content, tmp_path / "fresh", SAFE_MARKDOWN_REUSE_CONVERTER=False)
    compared = filecmp.dircmp(tmp_path / "reused", tmp_path / "fresh")
    files = [
        p.relative_to(tmp_path / "fresh")
        for p in (tmp_path / "fresh").rglob("*")
        if p.is_file()
    ]
    match, mismatch, errors = filecmp.cmpfiles(
        tmp_path / "reused", tmp_path / "fresh", [str(f) for f in files], shallow=False
    )
    assert not compared.left_only and not compared.right_only
    assert mismatch == [] and errors == [] and len(match) == len(files) > 5
    # each article kept its own footnote: converter state did not leak
    page = (tmp_path / "reused/tin-tuc/2024/03/bai-3/index.html").read_text()
    assert "Ghi chú của bài 3." in page and "Ghi chú của bài 2." not in page
    assert '<abbr title="Hội đồng nhân dân">HĐND</abbr>' in page


@pytest.mark.parametrize(
    "text", ["2024-01-10", "2024-01-10 14:30", "2024-12-31 23:59:59", " 2024-02-29 "]
)
def test_fast_date_parse_equals_pelicans(text):
    fast = parse_date(text)
    assert fast == get_date(text.strip()) and type(fast) is type(get_date(text.strip()))


@pytest.mark.parametrize("text", ["10/01/2024", "2024-02-30", "2024-1-5", "hôm qua"])
def test_other_dates_are_left_to_pelican(text):
    assert parse_date(text) is None
