"""Search with Pagefind (PyPI ``pagefind[bin]``), run as part of every build.

Articles mark their body, title, filters (ward, year, topics) for Pagefind
in the theme; this plugin adds each article's đ-words written with d
(:mod:`search.fold`) and runs Pagefind over the article pages as soon as
Pelican has written them, in parallel with the listing pages, then makes the
index stable (:mod:`search.stable`) and swaps it in at the end.
``SEARCH_INDEX = False`` skips it; ``SEARCH_INDEX_ON_REBUILD = False`` keeps
the first build's index through the dev server's rebuilds.
"""

import logging
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pelican import signals

from .fold import d_words
from .stable import stabilise

log = logging.getLogger(__name__)
_BUILDS: dict[str, int] = {}  # output folder -> builds seen (dev server)
_RUNNING: dict[str, tuple] = {}  # output folder -> (Pagefind, its folder, log)


def add_folded_words(generator):
    for article in generator.articles:
        article.search_folded = d_words(
            article.title, article._content or "",
            getattr(getattr(article, "ward", None), "full_name", ""),
            " ".join(t.name for t in getattr(article, "topics", None) or ()),
        )


def _wanted(settings) -> bool:
    if not settings.get("SEARCH_INDEX", True):
        return False
    output = settings["OUTPUT_PATH"]
    runs = _BUILDS[output] = _BUILDS.get(output, 0) + 1
    return runs == 1 or settings.get("SEARCH_INDEX_ON_REBUILD", True)


def _article_glob(settings) -> str:
    """Only article pages carry data-pagefind-body: read only their folder."""
    top = settings.get("ARTICLE_SAVE_AS", "").split("/", 1)[0]
    return f"{top}/**/*.html" if top and "{" not in top else "**/*.html"


def start_pagefind(generator, writer=None):
    """Index as soon as the article pages are written, while Pelican goes on
    writing listing pages (Pagefind runs in its own process)."""
    settings = generator.settings
    output = settings["OUTPUT_PATH"]
    if output in _RUNNING or not _wanted(settings):
        return
    fresh = Path(output) / ".pagefind.new"
    shutil.rmtree(fresh, ignore_errors=True)
    errors = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "pagefind", "--site", output,
         "--glob", _article_glob(settings),
         "--output-path", str(fresh), "--silent"],
        stdout=errors, stderr=errors,
    )
    _RUNNING[output] = (process, fresh, errors)


def finish_pagefind(pelican):
    """Wait for the index, make it stable, swap it in whole: no stale index
    files from earlier dev builds; a failed run keeps the previous index."""
    settings = pelican.settings
    output = settings["OUTPUT_PATH"]
    job = _RUNNING.pop(output, None)
    if job is None:
        return
    process, fresh, errors = job
    code = process.wait()
    errors.seek(0)
    message = errors.read().decode("utf-8", "replace").strip()[-2000:]
    errors.close()
    if code != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        log.error("Pagefind không tạo được chỉ mục tìm kiếm: %s", message)
        if settings.get("PORTAL_STRICT"):
            raise SystemExit(1)
        return
    stabilise(fresh)
    index = Path(output) / "pagefind"
    shutil.rmtree(index, ignore_errors=True)
    fresh.rename(index)


def run_pagefind(pelican):
    """At the end of the build: start Pagefind if no article writer did."""
    start_pagefind(pelican, None)
    finish_pagefind(pelican)


def register():
    signals.article_generator_finalized.connect(add_folded_words)
    signals.article_writer_finalized.connect(start_pagefind)
    signals.finalized.connect(run_pagefind)
