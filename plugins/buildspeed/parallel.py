"""Render and write a build's pages on every core (no Pelican here).

Rendering templates is most of what is left of a build once Markdown is
converted, and every page is independent.  The writer therefore only
*collects* each page (:class:`Page`: the template, the shared build context
and the few names the page adds to it) and :func:`write_all` renders and
writes them at the end of the build in ``fork`` workers, which inherit every
content object: nothing but page numbers and error messages cross between
processes.  A page is rendered from exactly the context the writer would
have rendered it from, so the files are the same byte for byte (proved by
``tests/test_buildspeed.py``).
"""

import gc
import multiprocessing
import os
from dataclasses import dataclass, field

# How Python's open(path, "w") opens a file.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
# Below this many pages a pool of workers costs more than it saves.
MIN_PARALLEL = 200

_pages: list = []  # set in the parent just before forking
_after_page = None  # likewise: called once each page is written


@dataclass(slots=True)
class Page:
    """One page to render: ``shared`` plus ``own`` is its template context."""

    path: str
    template: object
    shared: dict
    own: dict
    done: tuple = field(default=())  # (ledger, key) to record once written

    def render(self) -> str:
        context = self.shared.copy()
        context.update(self.own)
        # What Pelican's writer does before rendering (relative URLs).
        if context.get("localsiteurl"):
            self.shared["localsiteurl"] = context["localsiteurl"]
        return self.template.render(context)

    def write(self) -> None:
        """The page's file, the bytes Pelican's writer makes (UTF-8, each
        ``\n`` as text mode writes it), without ``makedirs``' look at each
        parent or a text layer: its folder is made, then the file written."""
        text = self.render()
        if os.linesep != "\n":  # what text mode would write there
            text = text.replace("\n", os.linesep)
        data = text.encode("utf-8")
        folder = os.path.dirname(self.path)
        try:
            os.mkdir(folder)
        except FileExistsError:
            pass
        except FileNotFoundError:  # its parent is new too
            os.makedirs(folder, exist_ok=True)
        descriptor = os.open(self.path, _CREATE, 0o666)
        try:
            view = memoryview(data)
            while view:  # a regular file takes it all at once; to be sure
                view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)


def _write_range(bounds: tuple[int, int]) -> list[tuple[int, str]]:
    failed = []
    for number in range(*bounds):
        try:
            _pages[number].write()
        except Exception as error:  # reported by the parent, naming the page
            failed.append((number, f"{type(error).__name__}: {error}"))
        if _after_page is not None:
            _after_page()
    return failed


def write_all(
    pages: list[Page], workers: int, after_page=None, spare=None
) -> list[tuple[Page, str]]:
    """Render and write every page, calling ``after_page()`` after each;
    return the pages that failed, with why.  With ``spare`` (a function
    telling whether another core is free now), pages written in this
    process go on every core (``workers + 1``) from the moment it is."""
    global _pages, _after_page
    if not pages:
        return []
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    _pages, _after_page = pages, after_page
    try:
        if workers > 1 and len(pages) >= MIN_PARALLEL and can_fork:
            return _named(pages, _on_workers(0, len(pages), workers))
        if spare is None or not can_fork:
            return _named(pages, _write_range((0, len(pages))))
        failed, start = [], 0
        # A page at a time until a core is free, looked at every few pages
        # (~1 ms each); the rest then split among ``workers + 1`` processes.
        while start < len(pages):
            if len(pages) - start >= MIN_PARALLEL // 2 and spare():
                failed += _on_workers(start, len(pages), workers + 1)
                break
            end = min(start + SPARE_EVERY, len(pages))
            failed += _write_range((start, end))
            start = end
        return _named(pages, failed)
    finally:
        _pages, _after_page = [], None


# Pages written in this process between two looks at ``spare``.
SPARE_EVERY = 16


def _on_workers(start: int, end: int, workers: int) -> list[tuple[int, str]]:
    """Pages ``start`` to ``end`` on ``workers`` forked processes."""
    # Small slices, handed out as workers free up: pages differ in cost.
    step = max(1, min(100, (end - start) // (workers * 8)))
    slices = [(i, min(i + step, end)) for i in range(start, end, step)]
    failed = []
    # The workers only read what the parent built: keep the collector off
    # it, or each worker copies the whole heap to scan it.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for result in pool.imap_unordered(_write_range, slices):
                failed.extend(result)
    finally:
        gc.unfreeze()
    return failed


def _named(pages, failed) -> list[tuple[Page, str]]:
    return [(pages[number], message) for number, message in sorted(failed)]


def worker_count(setting) -> int:
    """``setting`` if given, else the CPUs this process may run on."""
    if setting:
        return int(setting)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1
