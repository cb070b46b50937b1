"""The benchmark's plugin table (bench/plugin_times.py) on a real build."""

import json
import shutil
import subprocess
import sys

from conftest import ROOT, generated_reports, real_content_with
from test_reader import assert_same_tree


def test_each_plugins_handlers_and_generator_count_as_its_time(tmp_path):
    """Each plugin's signal handlers and generator (its pages) are timed as
    that plugin's, and together they are less than the build."""
    content = real_content_with(tmp_path, {})
    generated_reports(content / "tin-tuc", 60)
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "plugin_times.py"),
            str(ROOT / "pelicanconf.py"),
            str(content),
            str(tmp_path / "out"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(run.stdout.strip().splitlines()[-1])
    plugins = result["plugins"]
    assert {"awards", "portal", "search", "seo", "taxonomy"} <= plugins.keys()
    assert (tmp_path / "out" / "phuong" / "index.html").exists()
    listings = len(list((tmp_path / "out" / "phuong").rglob("index.html")))
    assert listings > 10  # ward pages, paginated
    assert all(seconds > 0 for seconds in plugins.values())
    assert sum(plugins.values()) < result["total"]


def test_the_build_without_the_index_is_the_same_site_but_its_index(tmp_path):
    """The bench's row "without the search index" is what the index costs
    only if that build makes every other file the same: `make html` as
    bench/run.py runs it, with and without, compared file by file."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import run as bench
    finally:
        sys.path.remove(str(ROOT / "bench"))
    content = real_content_with(tmp_path, {})
    generated_reports(content / "tin-tuc", 30)
    with_index, without = tmp_path / "with", tmp_path / "without"
    for output, index in ((with_index, True), (without, False)):
        result = bench.full_build(content, output, index=index)
        assert result["returncode"] == 0 and result["wall"] > 0
    assert (with_index / "pagefind" / "bundles.json").exists()
    assert not (without / "pagefind").exists()
    shutil.rmtree(with_index / "pagefind")
    assert assert_same_tree(with_index, without) > 30
