"""The speed plugin (plugins/parallel_read): the same site, read on every core."""

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, build, settings_for
from safe_markdown.reader import SafeMarkdownReader
from test_reader import STATEFUL, assert_same_tree

REPORT = (
    STATEFUL
    + """
<script>alert("{n}")</script><p onclick="x()">Đoạn Hoa\u0300 số {n}</p>
"""
)


def test_reading_on_every_core_gives_the_same_site(tmp_path, make_content, monkeypatch):
    """With the plugin, the workers read every report and Pelican's process
    none (it finds them in its content cache).  The site is the same bytes
    as a build without the plugin (another process: a plugin's handlers,
    once connected, stay connected in a process)."""
    files = {f"b{n:02}.md": REPORT.format(n=n % 9 + 1) for n in range(12)}
    # an empty Tags line: Pelican discards it, so that one is left to Pelican
    files["rong.md"] = REPORT.format(n=5).replace("Topics:", "Tags:\nTopics:", 1)
    files["rong.md"] = files["rong.md"].replace("Bài 5", "Bài rỗng", 1)
    content = make_content(files)
    read_here = []
    original = SafeMarkdownReader.read

    def counting(self, source_path):
        read_here.append(Path(source_path).name)
        return original(self, source_path)

    monkeypatch.setattr(SafeMarkdownReader, "read", counting)
    common = dict(SEARCH_INDEX=False, PARALLEL_READ_MIN_FILES=2)
    build(content, tmp_path / "parallel", PARALLEL_READ_WORKERS=2, **common)
    assert read_here == ["rong.md"]  # the workers' reads are not counted here

    plugins = settings_for(content, tmp_path / "plain")["PLUGINS"]
    without = [name for name in plugins if name != "parallel_read"]
    assert len(without) == len(plugins) - 1
    subprocess.run(
        [
            *(sys.executable, "-m", "pelican", str(content), "-q"),
            *("-o", str(tmp_path / "plain"), "-s", str(ROOT / "pelicanconf.py")),
            *("-e", f"PLUGINS={json.dumps(without)}", "SEARCH_INDEX=false"),
            f"CACHE_PATH={json.dumps(str(tmp_path / 'plain.cache'))}",
        ],
        check=True,
        cwd=ROOT,
    )
    assert assert_same_tree(tmp_path / "parallel", tmp_path / "plain") > len(files)
    page = (tmp_path / "parallel/tin-tuc/2024/03/bai-3/index.html").read_text()
    assert "Đoạn Hoà số 3" in page and "onclick" not in page


def test_without_the_content_cache_it_reads_nothing(
    tmp_path, make_content, monkeypatch
):
    """Its results go to Pelican's content cache only: with the cache off,
    Pelican reads every report itself, as without the plugin."""
    files = {f"b{n:02}.md": REPORT.format(n=n % 9 + 1) for n in range(4)}
    content = make_content(files)
    read_here = []
    original = SafeMarkdownReader.read

    def counting(self, source_path):
        read_here.append(Path(source_path).name)
        return original(self, source_path)

    monkeypatch.setattr(SafeMarkdownReader, "read", counting)
    build(
        content,
        tmp_path / "out",
        SEARCH_INDEX=False,
        CACHE_CONTENT=False,
        LOAD_CONTENT_CACHE=False,
        PARALLEL_READ_MIN_FILES=2,
        PARALLEL_READ_WORKERS=2,
    )
    assert sorted(read_here) == sorted(files)
