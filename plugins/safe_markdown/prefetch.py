"""Convert a build's Markdown on every core, and keep it between rebuilds.

Markdown conversion is most of the reading's time and each file is
independent, so while Pelican reads the articles one by one, worker
processes (``fork``: they inherit the settings and extensions; nothing but
file numbers and results cross between processes) convert the files it
will ask for, starting from the last (:class:`Prefetch`).  Results stay in
:data:`CACHE`, keyed by the file's path, modification time and size and by
the Markdown settings, so the dev server's next build converts only the
files that changed.

The cached value is exactly what :meth:`SafeMarkdownReader.read` would
compute (sanitized NFC HTML and the raw metadata lines), so the build's
output does not depend on where a file was converted.
"""

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable
from multiprocessing.connection import wait

from markdown import Markdown
from pelican.utils import pelican_open
from vietnamese.text import nfc

from .inline import gate_inline_patterns
from .sanitize import sanitize

# path -> (stamp, fingerprint, html, meta)
CACHE: dict[str, tuple] = {}

# Below this many files starting workers costs more than it saves.
MIN_PARALLEL = 64


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


def _convert_from_the_end(paths, claims, back, lock, out, settings, gate) -> None:
    """In a worker: claim the last file nobody has claimed, convert it, send
    (its number, the result), until every file is claimed."""
    gc.freeze()  # inherited objects are only read: do not copy them to scan
    md = converter(settings, gate)
    with out:
        while True:
            with lock:
                while back.value >= 0 and claims[back.value]:
                    back.value -= 1
                number = back.value
                if number < 0:
                    return
                claims[number] = 1
            try:
                result = convert(md, paths[number])
            except Exception:  # the reader converts it again and reports the error
                result = None
            out.send((number, result))


class Prefetch:
    """Markdown converted by ``workers`` processes from the end of the list
    while Pelican's reader converts from its start, until they meet.

    Pelican reads its files one by one in one process; converting them
    all first on every core left that reading alone on one core (5 s at
    10,000 reports, the other core idle).  Here the reader asks
    :meth:`take` for each file as it reads it: a file no worker has
    claimed it claims and converts itself, one a worker claimed it waits
    for.  Every file is converted exactly once, by whoever claims it first.
    """

    def __init__(self, paths: list[str], settings: dict, workers: int, gate=True):
        self.paths, self.print_ = paths, fingerprint(settings)
        self.number = {path: n for n, path in enumerate(paths)}
        ctx = multiprocessing.get_context("fork")
        self._claims = ctx.RawArray("b", len(paths))
        self._back = ctx.RawValue("i", len(paths) - 1)
        self._lock = ctx.Lock()
        self._pipes = []  # one each: a message is larger than a pipe writes at once
        self._workers = []
        for _ in range(workers):
            receive, send = ctx.Pipe(duplex=False)
            shared = (self._claims, self._back, self._lock, send, settings, gate)
            worker = ctx.Process(
                target=_convert_from_the_end, args=(paths, *shared), daemon=True
            )
            worker.start()
            send.close()  # the worker holds it: the pipe ends when it is done
            self._pipes.append(receive)
            self._workers.append(worker)

    def take(self, path: str) -> tuple[str, dict] | None:
        """The file's conversion if a worker claimed it (waiting for it if
        need be), or None once the reader has claimed it to convert."""
        number = self.number.get(path)
        if number is None:
            return None
        self._receive(block=False)  # a worker waits while its pipe is full
        with self._lock:
            mine = not self._claims[number]
            self._claims[number] = 1
        if mine:
            return None
        while self._pipes:
            found = lookup(path, self.print_)
            if found is not None:
                return found
            self._receive(block=True)
        return lookup(path, self.print_)

    def _receive(self, block: bool) -> None:
        """Keep what the workers have sent: all there is now, waiting for
        something first if ``block``."""
        for pipe in wait(self._pipes, timeout=None if block else 0):
            try:
                while pipe.poll():
                    number, result = pipe.recv()
                    if result is not None:
                        remember(self.paths[number], self.print_, *result)
            except (EOFError, OSError):  # this worker is done (or died)
                self._pipes.remove(pipe)
                pipe.close()

    def close(self) -> None:
        """Stop the workers (all files are claimed once the reader is done)."""
        with self._lock:
            self._back.value = -1
        while self._pipes:
            self._receive(block=True)
        for worker in self._workers:
            worker.join()


_ACTIVE: dict[str, Prefetch] = {}  # content folder -> its running prefetch


def start(
    key: str,
    paths: list[str],
    settings: dict,
    workers: int,
    gate: bool = True,
    order: Callable[[], Iterable[str]] | None = None,
) -> int:
    """Convert the ``paths`` not in the cache with ``workers`` processes
    beside the reader, in the order ``order()`` gives (the reader's; only
    asked for when workers start); return how many were handed to them."""
    finish(key)
    print_ = fingerprint(settings)
    todo = [p for p in paths if lookup(p, print_) is None]
    if workers < 1 or len(todo) < MIN_PARALLEL:
        return 0
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    if order is not None:
        rank = {path: number for number, path in enumerate(order())}
        todo.sort(key=lambda path: rank.get(path, len(rank)))
    _ACTIVE[key] = Prefetch(todo, settings, workers, gate)
    return len(todo)


def take(path: str) -> tuple[str, dict] | None:
    """What a running prefetch has for ``path`` (see :meth:`Prefetch.take`)."""
    for running in _ACTIVE.values():
        if path in running.number:
            return running.take(path)
    return None


def finish(key: str) -> None:
    running = _ACTIVE.pop(key, None)
    if running is not None:
        running.close()
