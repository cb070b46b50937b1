"""Search with Pagefind (PyPI ``pagefind[bin]``), run as part of every build.

As soon as the articles are read, a thread writes one small record per
article (:mod:`search.records`: headline, date, ward/year/topic filters,
body, byline, and the đ-words written with d from :mod:`search.fold`) and
runs Pagefind on them in its own process, while Pelican renders and writes
the pages.  At the end the index is made byte-stable (:mod:`search.stable`)
and swapped in whole.  When the records are those of the index already in
the output, nothing runs.  ``SEARCH_INDEX = False`` skips it;
``SEARCH_INDEX_ON_REBUILD = False`` keeps the first build's index through the
dev server's rebuilds.
"""

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from importlib.metadata import version
from pathlib import Path

from pelican import signals

from .records import digest, records, write_records
from .stable import stabilise

log = logging.getLogger(__name__)
PAGEFIND = version("pagefind")
_RUNNING: dict[str, dict] = {}  # output folder -> the indexing job


def _wanted(settings) -> bool:
    """Index on a Pelican's first build; its later ones (the dev server
    reuses one Pelican) only with ``SEARCH_INDEX_ON_REBUILD``."""
    if not settings.get("SEARCH_INDEX", True):
        return False
    runs = settings["_SEARCH_BUILDS"] = settings.get("_SEARCH_BUILDS", 0) + 1
    return runs == 1 or settings.get("SEARCH_INDEX_ON_REBUILD", True)


def _key_file(settings) -> Path:
    """Where the digest of the records behind OUTPUT's index is kept."""
    output = os.path.abspath(settings["OUTPUT_PATH"])
    name = hashlib.blake2b(output.encode(), digest_size=8).hexdigest()
    return Path(settings.get("CACHE_PATH", "cache")) / "search" / f"{name}.json"


def _in_place(settings, key: str) -> bool:
    """The output already holds the index of exactly these records."""
    entry = Path(settings["OUTPUT_PATH"]) / "pagefind" / "pagefind-entry.json"
    try:
        known = json.loads(_key_file(settings).read_text(encoding="utf-8"))
        return known == {"records": key, "entry": entry.read_text(encoding="utf-8")}
    except (OSError, ValueError):
        return False


def start_pagefind(generator):
    """Index as soon as the articles are read: a thread writes one small
    record per article (:mod:`search.records`; file writes release the GIL)
    and runs Pagefind in its own process, while Pelican renders and writes
    every page."""
    settings = generator.settings
    output = settings["OUTPUT_PATH"]
    if output in _RUNNING or not _wanted(settings):
        return
    found = records(generator.articles)
    key = f"{digest(found)}-{PAGEFIND}"
    if _in_place(settings, key):
        return
    # Records outside the output (a publish build empties it before writing);
    # the bundle beside it, so that it can be renamed in.
    work = Path(tempfile.mkdtemp(prefix="pagefind-"))
    parent = Path(output).resolve().parent
    bundle = parent / f".{Path(output).name}.pagefind-{os.getpid()}"
    if not os.access(parent, os.W_OK):
        bundle = work / "bundle"
    shutil.rmtree(bundle, ignore_errors=True)
    job = {"work": work, "bundle": bundle, "key": key}

    def run():
        try:
            write_records(work / "site", found)
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pagefind",
                    "--site",
                    str(work / "site"),
                    "--output-path",
                    str(bundle),
                    "--silent",
                ],
                capture_output=True,
                text=True,
            )
            job["code"] = result.returncode
            job["message"] = (result.stderr or result.stdout).strip()[-2000:]
        except OSError as error:
            job["code"], job["message"] = 1, str(error)

    job["thread"] = threading.Thread(target=run, daemon=True)
    job["thread"].start()
    _RUNNING[output] = job


def finish_pagefind(pelican):
    """Wait for the index, make it stable, swap it in whole: no stale index
    files from earlier dev builds; a failed run keeps the previous index."""
    settings = pelican.settings
    output = settings["OUTPUT_PATH"]
    job = _RUNNING.pop(output, None)
    if job is None:
        return
    job["thread"].join()
    bundle = job["bundle"]
    try:
        if job["code"] != 0:
            log.error("Pagefind không tạo được chỉ mục tìm kiếm: %s", job["message"])
            if settings.get("PORTAL_STRICT"):
                raise SystemExit(1)
            return
        stabilise(bundle)
        index = Path(output) / "pagefind"
        shutil.rmtree(index, ignore_errors=True)
        shutil.move(bundle, index)  # a rename on the same file system
        key_file = _key_file(settings)
        try:
            key_file.parent.mkdir(parents=True, exist_ok=True)
            entry = (index / "pagefind-entry.json").read_text(encoding="utf-8")
            key_file.write_text(
                json.dumps({"records": job["key"], "entry": entry}), encoding="utf-8"
            )
        except OSError:  # remembering is an optimisation, never a failure
            pass
    finally:
        shutil.rmtree(job["work"], ignore_errors=True)
        shutil.rmtree(bundle, ignore_errors=True)


def register():
    signals.article_generator_finalized.connect(start_pagefind)
    signals.finalized.connect(finish_pagefind)
