"""Unit tests of the editor-HTML allowlist."""

import pytest
from safe_markdown import sanitize


@pytest.mark.parametrize(
    "dirty, clean",
    [
        ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
        ('<p onclick="x()">a</p>', "<p>a</p>"),
        ('<a href="javascript:alert(1)">a</a>', "<a>a</a>"),
        (
            '<a href="https://x.vn/" target="_blank">a</a>',
            '<a href="https://x.vn/">a</a>',
        ),
        ('<iframe src="https://youtube.com/embed/x"></iframe>', ""),
        ("<style>p{}</style><p>a</p>", "<p>a</p>"),
        (
            '<img src="{static}/images/a.jpg" alt="Ảnh" onerror="x">',
            '<img src="{static}/images/a.jpg" alt="Ảnh">',
        ),
        (
            "<table><tr><td colspan=2>1</td></tr></table>",
            '<table><tbody><tr><td colspan="2">1</td></tr></tbody></table>',
        ),
        ("<p>a<!-- ghi chú --></p>", "<p>a</p>"),
        ('<p style="color:red">đỏ</p>', "<p>đỏ</p>"),
        ("<h1>Tiêu đề</h1>", "Tiêu đề"),
        (
            '<a href="mailto:vp@phuong.vn">thư</a>',
            '<a href="mailto:vp@phuong.vn">thư</a>',
        ),
    ],
)
def test_sanitize(dirty, clean):
    assert sanitize(dirty) == clean
