"""Search with Pagefind (PyPI ``pagefind[bin]``), run as part of every build.

Articles mark their body, title, filters (ward, year, topics) for Pagefind
in the theme; this plugin adds each article's đ-words written with d
(:mod:`search.fold`) and, as soon as the articles are read, starts Pagefind
in its own process on one small record per article (:mod:`search.records`),
so indexing runs on the second core while Pelican writes the pages; at the
end it makes the index stable (:mod:`search.stable`) and swaps it in.
``SEARCH_INDEX = False`` skips it; ``SEARCH_INDEX_ON_REBUILD = False`` keeps
the first build's index through the dev server's rebuilds.
"""

import logging
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from pelican import signals

from .fold import d_words
from .records import write_records
from .stable import stabilise

log = logging.getLogger(__name__)
PAGEFIND = version("pagefind")
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


def start_pagefind(generator):
    """Index as soon as the articles are read: Pagefind runs in its own
    process on one small record per article (:mod:`search.records`) while
    Pelican renders and writes every page."""
    settings = generator.settings
    output = settings["OUTPUT_PATH"]
    if output in _RUNNING or not _wanted(settings):
        return
    # Outside the output folder: a publish build empties it before writing.
    work = Path(tempfile.mkdtemp(prefix="pagefind-"))
    key = write_records(work / "site", generator.articles) + "-" + PAGEFIND
    cached = Path(settings.get("CACHE_PATH", "cache")) / "search" / key
    if (cached / "pagefind-entry.json").exists():  # same records: same index
        _RUNNING[output] = (None, None, work, cached)
        return
    errors = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "pagefind", "--site", str(work / "site"),
         "--output-path", str(work / "bundle"), "--silent"],
        stdout=errors, stderr=errors,
    )
    _RUNNING[output] = (process, errors, work, cached)


def finish_pagefind(pelican):
    """Wait for the index, make it stable, swap it in whole: no stale index
    files from earlier dev builds; a failed run keeps the previous index."""
    settings = pelican.settings
    output = settings["OUTPUT_PATH"]
    job = _RUNNING.pop(output, None)
    if job is None:
        return
    process, errors, work, cached = job
    try:
        if process is not None:
            code = process.wait()
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace").strip()[-2000:]
            errors.close()
            if code != 0:
                log.error("Pagefind không tạo được chỉ mục tìm kiếm: %s", message)
                if settings.get("PORTAL_STRICT"):
                    raise SystemExit(1)
                return
            stabilise(work / "bundle")
            _keep(work / "bundle", cached)
        source = cached if cached.exists() else work / "bundle"
        index = Path(output) / "pagefind"
        entry = "pagefind-entry.json"
        if (index / entry).exists() and (index / entry).read_bytes() == (
            source / entry
        ).read_bytes():
            return  # the index in place is this one (its name hashes it all)
        fresh = Path(output) / ".pagefind.new"
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(source, fresh)
        shutil.rmtree(index, ignore_errors=True)
        fresh.rename(index)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _keep(bundle: Path, cached: Path) -> None:
    """Keep this index for the next build with the same records (only the
    latest one: the cache does not grow)."""
    try:
        if cached.parent.exists():
            shutil.rmtree(cached.parent)
        shutil.copytree(bundle, cached.with_name(cached.name + ".tmp"))
        cached.with_name(cached.name + ".tmp").rename(cached)
    except OSError as error:  # a cache is an optimisation, never a failure
        log.warning("Không lưu được chỉ mục tìm kiếm vào %s: %s", cached, error)


def register():
    signals.article_generator_finalized.connect(add_folded_words)
    signals.article_generator_finalized.connect(start_pagefind)
    signals.finalized.connect(finish_pagefind)
