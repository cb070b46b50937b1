"""One Pagefind bundle per year, each written by Pagefind's own indexer.

Each bundle's records are written as small HTML pages into a scratch folder
and indexed with Pagefind's Python API (``PagefindIndex.add_directory``,
then ``write_files``), one Pagefind service per bundle, so that no Pagefind
process ever holds more than one bundle's pages.  (``add_html_file`` for
each record would do without the scratch files, but the API's service
reads one reply per 0.1 s: 100 s for 1,000 reports.)

A written bundle is kept in ``cache/search/<name>.<key>/``, the key made of
its pages and Pagefind's version, and copied into ``output/pagefind/<name>/``;
a later build whose bundle has the same key copies it from there instead
of indexing again.  The browser merges the bundles listed in
``output/pagefind/bundles.json`` with Pagefind's ``mergeIndex``.
"""

import asyncio
import json
import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from pagefind.index import PagefindIndex

from .stable import stabilise

log = logging.getLogger(__name__)
PAGEFIND = version("pagefind")
CONFIG = {"force_language": "vi"}
LISTING = "bundles.json"


@dataclass
class Bundle:
    name: str
    # (path in the output, HTML, the report's file)
    pages: list[tuple[str, str, str]] = field(default_factory=list)
    key: str = ""
    written: Path | None = None  # the bundle's folder in the cache, once there


@dataclass
class Outcome:
    indexed: list[str] = field(default_factory=list)  # bundles Pagefind wrote
    kept: list[str] = field(default_factory=list)  # bundles taken from cache
    missing: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)


async def _index(bundle: Bundle, scratch: Path, target: Path) -> list[tuple]:
    """Index ``bundle`` into ``target``; (source, reason) of each report
    Pagefind did not take."""
    site = scratch / bundle.name
    for path, html, _ in bundle.pages:
        page = site / path
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(html, encoding="utf-8")
    try:
        async with PagefindIndex(config=dict(CONFIG)) as index:
            done = await index.add_directory(str(site.resolve()))
            if done["page_count"] == len(bundle.pages):
                await index.write_files(output_path=str(target.resolve()))
                return []
    except Exception:  # found again, report by report, below
        pass
    finally:
        shutil.rmtree(site, ignore_errors=True)
    return await _one_by_one(bundle, target)


async def _one_by_one(bundle: Bundle, target: Path) -> list[tuple]:
    """The slow way, only when a bundle failed: each report handed over on
    its own, so that the ones Pagefind rejects are named and the rest is
    still indexed."""
    rejected = []
    async with PagefindIndex(config=dict(CONFIG)) as index:
        for path, html, source in bundle.pages:
            url = "/" + path.removesuffix("index.html")
            try:
                await index.add_html_file(content=html, url=url)
            except Exception as error:
                rejected.append((source, str(error.args[0] if error.args else error)))
        await index.write_files(output_path=str(target.resolve()))
    return rejected


async def _build(bundle: Bundle, cache: Path, scratch: Path, slots, outcome) -> None:
    kept = cache / f"{bundle.name}.{bundle.key}"
    if (kept / "pagefind-entry.json").exists():
        bundle.written = kept
        outcome.kept.append(bundle.name)
        return
    async with slots:
        partial = cache / f".{bundle.name}.{bundle.key}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        rejected = await _index(bundle, scratch, partial)
        stabilise(partial)
        if rejected:  # not kept: the next build tries these reports again
            outcome.missing += rejected
            kept = cache / f".{bundle.name}.{bundle.key}.incomplete"
            shutil.rmtree(kept, ignore_errors=True)
        partial.rename(kept)
        bundle.written = kept
        outcome.indexed.append(bundle.name)


def write(bundles: list[Bundle], output: Path, cache: Path, workers: int) -> Outcome:
    """Make ``output`` hold exactly ``bundles``: each indexed or taken from
    ``cache``, then copied in unless the output already has it."""
    cache.mkdir(parents=True, exist_ok=True)
    outcome = Outcome()
    with tempfile.TemporaryDirectory(prefix="search-", dir=cache) as scratch:

        async def all_bundles():
            slots = asyncio.Semaphore(max(1, workers))
            await asyncio.gather(
                *(_build(b, cache, Path(scratch), slots, outcome) for b in bundles)
            )

        asyncio.run(all_bundles())
    index = output / "pagefind"
    listing = index / LISTING
    try:
        before = dict(json.loads(listing.read_text(encoding="utf-8"))["keys"])
    except (OSError, ValueError, KeyError):
        before = {}
    built = [b for b in bundles if b.written is not None]
    wanted = {b.name for b in built}
    if index.exists():
        for old in index.iterdir():
            if old.is_dir() and old.name not in wanted:
                shutil.rmtree(old)
    for bundle in built:
        target = index / bundle.name
        complete = bundle.written.name == f"{bundle.name}.{bundle.key}"
        if complete and before.get(bundle.name) == bundle.key and target.is_dir():
            continue
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(bundle.written, target)
    index.mkdir(parents=True, exist_ok=True)
    listing.write_text(
        json.dumps(
            {
                "bundles": [b.name for b in built],
                "keys": [[b.name, b.key] for b in built],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    _evict(cache, {b.written.name for b in built})
    return outcome


def _evict(cache: Path, used: set[str]) -> None:
    """Drop kept bundles of the same names this build no longer uses."""
    names = {entry.lstrip(".").split(".")[0] for entry in used}
    for entry in cache.iterdir():
        stem = entry.name.lstrip(".").split(".")[0]
        if entry.is_dir() and entry.name not in used and stem in names:
            shutil.rmtree(entry, ignore_errors=True)
