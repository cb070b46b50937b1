"""Search: Pagefind's own indexer, one bundle per year, merged in the browser.

Once every generator has made its context (the portal plugin has given
every report its ward and topics, the office plugin has read its
announcements and documents), each report, announcement and document
becomes a small page for Pagefind (:mod:`search.records`) and a
separate process hands each changed year to Pagefind's Python API, one
Pagefind process per bundle (:mod:`search.bundles`), while Pelican writes
the site; the build waits for it at its end.  An unchanged year's bundle
is copied from ``cache/search`` as it is.  The
search page (``theme/static/js/search.js``) loads the bundles listed in
``pagefind/bundles.json`` and merges them with Pagefind's ``mergeIndex``.

A report the index cannot take is named; a strict build (``SEARCH_STRICT``,
set by publishconf.py) then fails, a dev build warns, and the rest of the
index is written either way.
"""

import atexit
import logging
import os
import shutil
import tempfile
from pathlib import Path

from pelican import signals
from portal.problems import StrictBuildFailed

from . import bundles
from .records import (
    ANNOUNCEMENT,
    DOCUMENT,
    bundle_names,
    digest,
    office_record_of,
    record_html,
    record_of,
)

log = logging.getLogger(__name__)

DEFAULTS = {
    "SEARCH_INDEX": True,
    # Most reports in one bundle (one Pagefind process): a larger year is
    # split by half-year, a larger half-year by month.  Pagefind holds
    # ~0.36 MiB a report (446 MiB for 1,250: bench/search_bench.py).
    "SEARCH_BUNDLE_SIZE": 1000,
    # Bundles indexed side by side (each its own Pagefind process).
    "SEARCH_WORKERS": 2,
    # Where written bundles are kept for the next build; None: CACHE_PATH/search.
    "SEARCH_CACHE_PATH": None,
    # A report whose HTML is longer than this is left out of the index.
    "SEARCH_MAX_CHARS": 2_000_000,
    # Fail the build when a report is left out (publishconf.py sets it).
    "SEARCH_STRICT": False,
}

_JOBS: dict[str, dict] = {}  # output folder -> this build's indexing job


def setting(settings: dict, name: str):
    return settings.get(name, DEFAULTS[name])


def _cache(settings: dict) -> Path:
    path = setting(settings, "SEARCH_CACHE_PATH")
    return Path(path) if path else Path(settings.get("CACHE_PATH", "cache")) / "search"


def records_of(context: dict) -> list:
    """The records of the site's reports, announcements and documents.
    Announcements and documents are read from the context keys the office
    plugin fills (``announcements``, ``documents``: published items only),
    not from the office plugin itself: plugins do not import each other;
    without it (or without any) those keys are absent or empty."""
    found = [record_of(a) for a in context.get("articles", ())]
    found += [
        office_record_of(a, ANNOUNCEMENT) for a in context.get("announcements", ())
    ]
    found += [office_record_of(d, DOCUMENT) for d in context.get("documents", ())]
    return found


def plan(records, settings: dict) -> tuple[list[bundles.Bundle], list[tuple]]:
    """The bundles of these records, and the (source, reason) of each
    item left out before Pagefind sees it."""
    records = sorted(records, key=lambda r: r.save_as)
    largest = setting(settings, "SEARCH_BUNDLE_SIZE")
    names = bundle_names([r.day for r in records], largest)
    limit = setting(settings, "SEARCH_MAX_CHARS")
    found: dict[str, bundles.Bundle] = {}
    left_out = []
    for record, name in zip(records, names, strict=True):
        html = record_html(record)
        if len(html) > limit:
            size = f"{len(html):,} ký tự, quá giới hạn {limit:,}".replace(",", ".")
            reason = f"dài {size}"
            left_out.append((record.source, reason))
            continue
        bundle = found.setdefault(name, bundles.Bundle(name))
        bundle.pages.append((record.save_as, html, record.source))
    for bundle in found.values():
        pages = [(path, html) for path, html, _ in bundle.pages]
        bundle.key = digest(pages, bundles.PAGEFIND, repr(bundles.CONFIG))
    return sorted(found.values(), key=lambda b: b.name, reverse=True), left_out


def start(generators) -> None:
    """Start indexing the changed bundles while Pelican writes the pages:
    Pagefind's processes do the work, this one only waits at the end."""
    if not generators:
        return
    settings = generators[0].settings
    _stop(_JOBS.pop(str(Path(settings["OUTPUT_PATH"])), None))  # a failed build's
    if not setting(settings, "SEARCH_INDEX"):
        return
    planned, left_out = plan(records_of(generators[0].context), settings)
    cache = _cache(settings)
    cache.mkdir(parents=True, exist_ok=True)
    changed = [b for b in planned if bundles.kept(b, cache) is None]
    job = {"planned": planned, "changed": changed, "left_out": left_out}
    if changed:
        job["scratch"] = Path(tempfile.mkdtemp(prefix="search-", dir=cache))
        workers = setting(settings, "SEARCH_WORKERS")
        job["process"], job["plan"] = bundles.start(
            changed, cache, job["scratch"], workers
        )
    _JOBS[str(Path(settings["OUTPUT_PATH"]))] = job


def _wait(job: dict, cache: Path) -> list[tuple[str, str]]:
    """Wait for the indexing process; the reports Pagefind rejected."""
    if not job["changed"]:
        return []
    try:
        rejected = bundles.finish(job["process"], job["plan"], job["changed"], cache)
    finally:
        shutil.rmtree(job["scratch"], ignore_errors=True)
    return [tuple(r) for name in sorted(rejected) for r in rejected[name]]


def finish(pelican) -> None:
    """Wait for the index, put it in the output, and name every report it
    could not take."""
    settings = pelican.settings
    job = _JOBS.pop(str(Path(settings["OUTPUT_PATH"])), None)
    if job is None:
        return
    strict = setting(settings, "SEARCH_STRICT")
    level = logging.ERROR if strict else logging.WARNING
    cache = _cache(settings)
    try:
        rejected = _wait(job, cache)
        bundles.install(job["planned"], Path(settings["OUTPUT_PATH"]), cache)
    except Exception as error:  # the index, not the site: say why, go on
        log.log(level, "Không tạo được chỉ mục tìm kiếm: %s", error)
        if strict:
            raise StrictBuildFailed(1) from None
        return
    left_out = job["left_out"] + rejected
    base = os.path.dirname(settings["PATH"])
    for source, reason in left_out:
        log.log(
            level,
            "%s: nội dung: bài không vào được chỉ mục tìm kiếm (%s) — "
            "sửa bài (bỏ ký tự lạ, chia bài quá dài) rồi dựng lại",
            os.path.relpath(source, base),
            reason,
        )
    changed = sorted(b.name for b in job["changed"])
    log.info(
        "Tìm kiếm: %d gói chỉ mục, lập lại %d (%s)",
        len(job["planned"]),
        len(changed),
        ", ".join(changed) or "không gói nào",
    )
    if left_out and strict:
        raise StrictBuildFailed(len(left_out))


def _stop(job: dict | None) -> None:
    """End an indexing job that no build will wait for, and its files."""
    if job and "process" in job:
        job["process"].kill()
        job["process"].wait()
        shutil.rmtree(job["scratch"], ignore_errors=True)


@atexit.register
def _stop_unfinished() -> None:
    """A build that stopped before its end (a strict build's content error,
    Ctrl-C) leaves no indexing process and no scratch folder behind."""
    for job in _JOBS.values():
        _stop(job)
    _JOBS.clear()


def register():
    # all_generators_finalized: every report has its ward and topics
    # (portal, at pretaxonomy) and its final content (photos, at
    # content_object_init), the office plugin's generator has put its
    # announcements and documents in the (shared) context; the pages are
    # written after it.
    signals.all_generators_finalized.connect(start)
    # finalized: Pelican's last signal, once every page is written.
    signals.finalized.connect(finish)
