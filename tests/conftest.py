"""Shared fixtures: real Pelican builds of real or tiny fixture content."""

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican import Pelican
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
REGISTRY = CONTENT / "data" / "registry.toml"
SEEDS = Path(__file__).resolve().parent / "data" / "seeds"


def settings_for(content: Path, output: Path, conf: str = "pelicanconf.py", **override):
    """The project's settings for a build of ``content`` into ``output``, with
    the caches (photo renditions, search key) beside the output, never in
    the repository's own ``cache/``."""
    return read_settings(
        str(ROOT / conf),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": f"{output}.cache",
            **override,
        },
    )


def build(content: Path, output: Path, conf: str = "pelicanconf.py", **override):
    """Build ``content`` into ``output`` with the project's settings; return them."""
    settings = settings_for(content, output, conf, **override)
    Pelican(settings).run()
    return settings


def generated_reports(folder: Path, count: int) -> None:
    """``count`` realistic reports (``bench/gen_corpus.py``) in ``folder``,
    without their photo lines (no photo files here)."""
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench/gen_corpus.py"),
            str(folder),
            str(count),
            "--no-native-taxonomy",
        ],
        check=True,
        capture_output=True,
    )
    for report in folder.glob("*.md"):
        lines = report.read_text(encoding="utf-8").split("\n")
        kept = [line for line in lines if not line.startswith("![")]
        report.write_text("\n".join(kept), encoding="utf-8")


def need(program: str, package: str | None = None) -> str:
    """The path of a system program the test needs. Under CI (``CI=true``) a
    missing one fails the run (.ci/run installs it); elsewhere the test skips
    and says how to install it."""
    found = shutil.which(program) or next(
        (
            p
            for p in (f"/usr/sbin/{program}", f"/usr/bin/{program}")
            if Path(p).exists()
        ),
        None,
    )
    if found:
        return found
    install = f"apt-get install {package or program}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{program} is missing: .ci/run installs it ({install})")
    pytest.skip(f"{program} is not installed: {install}")


def real_content_with(root: Path, files: dict[str, str]) -> Path:
    """A copy of the real content/ under ``root`` plus ``files`` (path inside
    the content folder -> text)."""
    content = root / "content"
    shutil.copytree(CONTENT, content)
    for name, text in files.items():
        (content / name).write_text(text, encoding="utf-8")
    return content


def warnings_logged(records, settings) -> list[str]:
    """Messages at WARNING or above, minus those the settings' LOG_FILTER hides."""
    hidden = set(settings.get("LOG_FILTER", []))
    return [
        r.getMessage()
        for r in records
        if r.levelno >= logging.WARNING and (r.levelno, r.msg) not in hidden
    ]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture
def make_content(tmp_path):
    """A content folder with the project's registry and the given articles.

    ``make_content({"a.md": "Title: ...", ...})`` writes each file under
    ``tin-tuc/`` (or at the given relative path when it has a folder).
    """

    def _make(articles: dict[str, str], pages: dict[str, str] | None = None) -> Path:
        content = tmp_path / "content"
        (content / "data").mkdir(parents=True)
        shutil.copy(REGISTRY, content / "data" / "registry.toml")
        for name, text in articles.items():
            path = content / (name if "/" in name else f"tin-tuc/{name}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for name, text in (pages or {}).items():
            path = content / "pages" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return content

    return _make


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The real content/ built once, with the records it logged."""
    output = tmp_path_factory.mktemp("site")
    handler = _Collect()
    logging.getLogger().addHandler(handler)
    try:
        settings = build(CONTENT, output)
    finally:
        logging.getLogger().removeHandler(handler)
    return output, settings, handler.records


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright (never a browser download), with
    the flags that keep it off the network this machine does not have."""
    executable = need("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()
