"""Build speed, in one place: a cold build reads its reports on every core.

Reading (Markdown conversion, then the sanitizer) is most of a cold build,
and Pelican reads one file after the other.  Pelican's reader-level content
cache (``CACHE_CONTENT``, ``CONTENT_CACHING_LAYER = "reader"``) keeps, for
each file, what its reader returned.  When the articles generator starts,
this plugin reads the files that cache does not hold yet in forked worker
processes, each with the reader Pelican would use for it
(``generator.readers.readers``), and hands every result to the cache with
``Readers.cache_data``: Pelican's own reading then finds them there, as on a
warm build.  The rest of the build does not change.

The result is what Pelican would have cached, so the site is the same
bytes without this plugin (``tests/test_parallel_read.py``).  A file whose
metadata holds a value Pelican would discard (an empty ``Tags:``, say) is
left to Pelican's reading, which filters it.  Without the content cache, or
with ``PARALLEL_READ_WORKERS = 1``, the plugin does nothing.
"""

import logging
import multiprocessing
import os

from pelican import signals

log = logging.getLogger(__name__)

DEFAULTS = {
    # Processes reading; None: one a CPU this process may run on.
    "PARALLEL_READ_WORKERS": None,
    # Fewer files to read than this: forking costs more than it saves (a dev
    # rebuild reads the edited report only).
    "PARALLEL_READ_MIN_FILES": 64,
}
# Files a worker reads per task: few enough to spread the work evenly.
CHUNK = 32


def setting(settings, name):
    return settings.get(name, DEFAULTS[name])


def worker_count(settings) -> int:
    workers = setting(settings, "PARALLEL_READ_WORKERS")
    if workers:
        return int(workers)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def uses_reader_cache(settings) -> bool:
    return (
        settings.get("CACHE_CONTENT", False)
        and settings.get("CONTENT_CACHING_LAYER") == "reader"
    )


# The readers of the build being forked: set in the parent just before the
# pool forks and inherited by its workers (nothing but paths is sent).
_READERS = {}


def read_one(path: str):
    """In a worker: (path, what its reader returns), or (path, None) when
    the file is better left to Pelican's own reading."""
    reader = _READERS.get(os.path.splitext(path)[1][1:])
    try:
        content, metadata = reader.read(path)
    except Exception:  # Pelican reads it again and reports the error
        return path, None
    # Pelican drops metadata its processors mark as discarded (a bare
    # object(), compared by identity, which a copy between processes loses).
    if any(type(value) is object for value in metadata.values()):
        return path, None
    return path, (content, metadata)


def files_to_read(generator) -> list[str]:
    """The articles' files that Pelican's reader cache does not hold (as
    ``Readers.read_file`` names them: absolute paths)."""
    settings, readers = generator.settings, generator.readers
    found = generator.get_files(
        settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"]
    )
    paths = (os.path.abspath(os.path.join(generator.path, f)) for f in found)
    return sorted(p for p in paths if readers.get_cached_data(p) is None)


def read_on_every_core(generator):
    settings = generator.settings
    workers = worker_count(settings)
    if workers < 2 or not uses_reader_cache(settings):
        return
    if "fork" not in multiprocessing.get_all_start_methods():
        return
    paths = files_to_read(generator)
    if len(paths) < setting(settings, "PARALLEL_READ_MIN_FILES"):
        return
    _READERS.update(generator.readers.readers)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for path, result in pool.imap_unordered(read_one, paths, CHUNK):
                if result is not None:
                    generator.readers.cache_data(path, result)
    finally:
        _READERS.clear()
    log.debug("parallel_read: %d files read by %d workers", len(paths), workers)


def register():
    # article_generator_init: the generator and its Readers (with the
    # content cache loaded) exist; Pelican has not read anything yet.
    signals.article_generator_init.connect(read_on_every_core)
