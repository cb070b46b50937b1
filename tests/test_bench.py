"""The benchmark's plugin table (bench/plugin_times.py) on a real build."""

import json
import subprocess
import sys

from conftest import ROOT, generated_reports, real_content_with


def test_each_plugins_pages_count_as_its_own_time(tmp_path):
    """Pages are written at the end by buildspeed's batch, as make html
    writes them; each counts for the plugin whose generator collected it,
    so taxonomy's listing pages are taxonomy's time and buildspeed, which
    writes every page, keeps only its own (never less than nothing)."""
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
    assert {"awards", "buildspeed", "search", "seo", "taxonomy"} <= plugins.keys()
    assert (tmp_path / "out" / "phuong" / "index.html").exists()
    listings = len(list((tmp_path / "out" / "phuong").rglob("index.html")))
    assert listings > 10  # ward pages, paginated
    pages = result["pages"]  # seconds writing pages: all, and each plugin's
    assert 0 < pages["taxonomy"] < pages["all"]
    assert plugins["taxonomy"] > pages["taxonomy"]  # its feeds, frames, terms too
    assert 0 <= plugins["buildspeed"] < pages["all"]  # it wrote them, not its own
    assert sum(plugins.values()) < result["total"]
