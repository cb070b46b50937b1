"""Search with Pagefind (PyPI ``pagefind[bin]``), run as part of every build.

Articles mark their body, title, filters (ward, year, topics) for Pagefind
in the theme; this plugin adds each article's đ-words written with d
(:mod:`search.fold`) and runs Pagefind over the output when Pelican has
finished writing.  ``SEARCH_INDEX = False`` skips it; the dev server indexes
again only when a build wrote pages (``SEARCH_INDEX_ON_REBUILD``).
"""

import logging
import shutil
import subprocess
import sys
from pathlib import Path

from pelican import signals

from .fold import d_words
from .stable import stabilise

log = logging.getLogger(__name__)
_BUILDS: dict[str, int] = {}


def add_folded_words(generator):
    for article in generator.articles:
        article.search_folded = d_words(
            article.title, article._content or "",
            getattr(getattr(article, "ward", None), "full_name", ""),
            " ".join(t.name for t in getattr(article, "topics", None) or ()),
        )


def run_pagefind(pelican):
    settings = pelican.settings
    if not settings.get("SEARCH_INDEX", True):
        return
    output = settings["OUTPUT_PATH"]
    runs = _BUILDS[output] = _BUILDS.get(output, 0) + 1
    if runs > 1 and not settings.get("SEARCH_INDEX_ON_REBUILD", True):
        return
    # A fresh folder swapped in whole: no stale index files from earlier
    # dev builds, and a failed run leaves the previous index in place.
    index = Path(output) / "pagefind"
    fresh = Path(output) / ".pagefind.new"
    shutil.rmtree(fresh, ignore_errors=True)
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", output,
         "--output-path", str(fresh), "--silent"],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        log.error("Pagefind không tạo được chỉ mục tìm kiếm: %s",
                  (result.stderr or result.stdout).strip()[-2000:])
        if settings.get("PORTAL_STRICT"):
            raise SystemExit(1)
        return
    stabilise(fresh)
    shutil.rmtree(index, ignore_errors=True)
    fresh.rename(index)


def register():
    signals.article_generator_finalized.connect(add_folded_words)
    signals.finalized.connect(run_pagefind)
