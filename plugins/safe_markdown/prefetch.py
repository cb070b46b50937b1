"""Convert a build's Markdown on every core, and keep it between rebuilds.

Markdown conversion is most of a build's time and each file is independent,
so before Pelican reads the articles one by one, :func:`prefetch` converts
the files it will ask for in worker processes (``fork``: the workers inherit
the settings and extensions; nothing but file names and results cross
between processes).  Results stay in :data:`CACHE`, keyed by the file's
path, modification time and size and by the Markdown settings, so the dev
server's next build converts only the files that changed.

The cached value is exactly what :meth:`SafeMarkdownReader.read` would
compute (sanitized NFC HTML and the raw metadata lines), so the build's
output does not depend on where a file was converted.
"""

import multiprocessing
import os
from collections.abc import Iterable

from markdown import Markdown
from pelican.utils import pelican_open
from vietnamese.text import nfc

from .inline import gate_inline_patterns
from .sanitize import sanitize

# path -> (stamp, fingerprint, html, meta)
CACHE: dict[str, tuple] = {}

# Below this many files a worker pool costs more than it saves.
MIN_PARALLEL = 64

_worker_markdown = None  # set in the parent just before forking
_worker_gate = True  # likewise: gate_inline_patterns on the workers' converter


def stamp(path: str) -> tuple[int, int, int]:
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size, st.st_ino


def markdown_files(roots: Iterable[str], extensions: tuple[str, ...]) -> list[str]:
    """Absolute paths of the files under ``roots`` with one of ``extensions``."""
    found = []
    for root in roots:
        for folder, dirs, files in os.walk(os.path.abspath(root)):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            found += [
                os.path.join(folder, f)
                for f in files
                if f.endswith(extensions) and not f.startswith(".")
            ]
    return found


def fingerprint(markdown_settings: dict) -> str:
    return repr(sorted(markdown_settings.items(), key=lambda kv: kv[0]))


def convert(md: Markdown, path: str) -> tuple[str, dict]:
    """Sanitized NFC HTML and raw metadata of one Markdown file."""
    md.reset()
    with pelican_open(path) as text:
        html = md.convert(text)
    meta = dict(getattr(md, "Meta", None) or {})
    return sanitize(nfc(html)), meta


def lookup(path: str, print_: str) -> tuple[str, dict] | None:
    entry = CACHE.get(path)
    if entry is None:
        return None
    try:
        current = stamp(path)
    except OSError:
        return None
    if entry[0] != current or entry[1] != print_:
        return None
    return entry[2], entry[3]


def remember(path: str, print_: str, html: str, meta: dict) -> None:
    try:
        CACHE[path] = (stamp(path), print_, html, meta)
    except OSError:
        CACHE.pop(path, None)


def converter(markdown_settings: dict, gate: bool = True) -> Markdown:
    """A Markdown converter for these settings; with ``gate``, one whose
    inline patterns are tried only where they can match (same HTML)."""
    md = Markdown(**markdown_settings)
    return gate_inline_patterns(md) if gate else md


def _convert_in_worker(path: str):
    global _worker_markdown
    if not isinstance(_worker_markdown, Markdown):
        _worker_markdown = converter(_worker_markdown, _worker_gate)
    try:
        return path, convert(_worker_markdown, path)
    except Exception:  # the reader converts it again and reports the error
        return path, None


def prefetch(
    paths: Iterable[str], markdown_settings: dict, workers: int, gate: bool = True
) -> int:
    """Convert the ``paths`` not in the cache, in parallel; return how many."""
    print_ = fingerprint(markdown_settings)
    todo = [p for p in paths if lookup(p, print_) is None]
    if workers < 2 or len(todo) < MIN_PARALLEL:
        return 0
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    global _worker_markdown, _worker_gate
    _worker_markdown, _worker_gate = markdown_settings, gate
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers) as pool:
            done = 0
            chunk = max(1, min(64, len(todo) // (workers * 8)))
            for path, result in pool.imap_unordered(
                _convert_in_worker, todo, chunksize=chunk
            ):
                if result is not None:
                    remember(path, print_, *result)
                    done += 1
    finally:
        _worker_markdown = None
    return done
