"""The Makefile builds any content folder, with that folder's own registry."""

import subprocess
import sys

from conftest import ROOT, soup


def make_html(content, output, *options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            "make",
            "-C",
            str(ROOT),
            "html",
            f"INPUTDIR={content}",
            f"OUTPUTDIR={output}",
            f"VENV={sys.prefix}",
            *options,
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_make_html_builds_another_content_folder(tmp_path, make_content):
    content = make_content(
        {"a.md": "Title: Tin khác\nDate: 2025-02-03\nWard: Đức Thuận\n\nNội dung.\n"}
    )
    # Another office's registry: only its own ward, under another town.
    (content / "data" / "registry.toml").write_text(
        '[[ward]]\nname = "Đức Thuận"\ntown = "thị xã Hồng Lĩnh"\n'
        'province = "Hà Tĩnh"\n',
        encoding="utf-8",
    )
    output = tmp_path / "out"
    result = make_html(content, output)
    assert result.returncode == 0, result.stderr
    assert "Done: Processed 1 article" in result.stdout
    # Every plugin loaded (Pelican only logs a plugin it cannot import).
    assert "ERROR" not in result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    page = soup(output / "tin-tuc/2025/02/tin-khac/index.html")
    assert page.select_one(".ward").get_text() == "Phường Đức Thuận"
    assert not (ROOT / "output" / "tin-tuc/2025").exists()


def test_a_failed_build_still_exits_with_an_error(tmp_path, make_content):
    """A strict build's content error gives a failing exit code."""
    content = make_content(
        {"a.md": "Title: Tin\nDate: 2025-02-03\nWard: Phường Không Có\n\nNội dung.\n"}
    )
    result = make_html(content, tmp_path / "out", "PELICANOPTS=-e PORTAL_STRICT=true")
    assert result.returncode != 0
    assert "a.md" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
