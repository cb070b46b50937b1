"""One Pagefind bundle per year, each written by Pagefind's own indexer.

A changed bundle's records are written as small HTML pages into a scratch
folder, and a separate Python process (:func:`main`, so that Pelican's
forked page writers never share a process with the indexer's pipes) indexes
each with Pagefind's Python API (``PagefindIndex.add_directory``, written
on leaving the block), one Pagefind service per bundle: no Pagefind
process ever holds more than one bundle's pages.  (``add_html_file`` for
each record would need no scratch files, but the API's service reads one
reply per 0.1 s: 100 s for 1,000 reports.)

A written bundle is kept in ``cache/search/<name>.<key>/``, the key made of
its pages and Pagefind's version, and copied into ``output/pagefind/<name>/``
(:func:`install`); a later build whose bundle has the same key copies it
from there instead of indexing again.  The browser merges the bundles
listed in ``output/pagefind/bundles.json`` with Pagefind's ``mergeIndex``.
"""

import asyncio
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from pagefind.index import PagefindIndex

from .stable import stabilise

PAGEFIND = version("pagefind")
CONFIG = {"force_language": "vi"}
LISTING = "bundles.json"


@dataclass
class Bundle:
    name: str
    # (path in the output, HTML, the report's file)
    pages: list[tuple[str, str, str]] = field(default_factory=list)
    key: str = ""

    @property
    def entry(self) -> str:
        """Its folder's name in the cache."""
        return f"{self.name}.{self.key}"


def _config(target: Path) -> dict:
    """Pagefind's options for a bundle written to ``target`` (an absolute
    path: Pagefind's default is ./pagefind, under the current folder)."""
    return {**CONFIG, "output_path": str(target.resolve())}


async def _index(job: dict) -> list[list[str]]:
    """Index one bundle's pages into its target; [source, reason] of each
    report Pagefind did not take."""
    target = Path(job["target"])
    try:
        # Written on leaving the block, and only if nothing was raised in it.
        async with PagefindIndex(config=_config(target)) as index:
            done = await index.add_directory(job["site"])
            if done["page_count"] != len(job["pages"]):
                raise ValueError(f"{done['page_count']} of {len(job['pages'])}")
        return []
    except Exception:  # found again, report by report, below
        shutil.rmtree(target, ignore_errors=True)
    return await _one_by_one(job, target)


async def _one_by_one(job: dict, target: Path) -> list[list[str]]:
    """The slow way, only when a bundle failed: each report handed over on
    its own, so that the ones Pagefind rejects are named and the rest is
    still indexed."""
    rejected = []
    async with PagefindIndex(config=_config(target)) as index:
        for path, source in job["pages"]:
            html = (Path(job["site"]) / path).read_text(encoding="utf-8")
            url = "/" + path.removesuffix("index.html")
            try:
                await index.add_html_file(content=html, url=url)
            except Exception as error:
                reason = error.args[0] if error.args else error
                rejected.append([source, str(reason)])
    return rejected


async def _index_all(jobs: list[dict], workers: int) -> dict:
    slots = asyncio.Semaphore(max(1, workers))
    rejected = {}

    async def one(job):
        async with slots:
            rejected[job["name"]] = await _index(job)
            stabilise(Path(job["target"]))

    await asyncio.gather(*(one(job) for job in jobs))
    return rejected


def main(plan_file: str) -> None:
    """In the indexing process: index the bundles the plan lists, then
    write what Pagefind rejected beside the plan."""
    plan = json.loads(Path(plan_file).read_text(encoding="utf-8"))
    rejected = asyncio.run(_index_all(plan["jobs"], plan["workers"]))
    Path(plan_file).with_suffix(".done").write_text(json.dumps(rejected), "utf-8")


def start(changed: list[Bundle], cache: Path, scratch: Path, workers: int):
    """Write the changed bundles' pages and start the process indexing them;
    (process, plan file)."""
    jobs = []
    for bundle in changed:
        site = scratch / bundle.name
        for path, html, _ in bundle.pages:
            page = site / path
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(html, encoding="utf-8")
        target = cache / f".{bundle.entry}.partial"
        shutil.rmtree(target, ignore_errors=True)
        jobs.append(
            {
                "name": bundle.name,
                "site": str(site.resolve()),
                "target": str(target.resolve()),
                "pages": [[path, source] for path, _, source in bundle.pages],
            }
        )
    plan = scratch / "plan.json"
    plan.write_text(json.dumps({"jobs": jobs, "workers": workers}), "utf-8")
    plugins = str(Path(__file__).resolve().parent.parent)
    code = "import sys; from search.bundles import main; main(sys.argv[1])"
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(plan)],
        cwd=plugins,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, plan


def finish(process, plan: Path, changed: list[Bundle], cache: Path) -> dict:
    """Wait for the indexing process and keep what it wrote in the cache;
    {bundle name: [[source, reason], ...]} of the reports it rejected."""
    _, said = process.communicate()
    done = plan.with_suffix(".done")
    if process.returncode != 0 or not done.exists():
        raise RuntimeError(said.strip()[-1000:] or f"mã lỗi {process.returncode}")
    rejected = json.loads(done.read_text(encoding="utf-8"))
    for bundle in changed:
        # A bundle missing reports is not kept under its key: the next
        # build tries them again.
        kept = cache / (
            f".{bundle.entry}.incomplete" if rejected[bundle.name] else bundle.entry
        )
        shutil.rmtree(kept, ignore_errors=True)
        (cache / f".{bundle.entry}.partial").rename(kept)
    return rejected


def kept(bundle: Bundle, cache: Path) -> Path | None:
    """The bundle's folder in the cache, complete or not, if there is one."""
    for name in (bundle.entry, f".{bundle.entry}.incomplete"):
        if (cache / name / "pagefind-entry.json").exists():
            return cache / name
    return None


def install(bundles: list[Bundle], output: Path, cache: Path) -> None:
    """Make ``output/pagefind`` hold exactly these bundles (from the cache),
    copying only those the output does not have yet, and list them."""
    index = output / "pagefind"
    listing = index / LISTING
    try:
        before = dict(json.loads(listing.read_text(encoding="utf-8"))["keys"])
    except (OSError, ValueError, KeyError):
        before = {}
    found = [(b, kept(b, cache)) for b in bundles]
    found = [(b, folder) for b, folder in found if folder is not None]
    wanted = {b.name for b, _ in found}
    if index.exists():
        for old in index.iterdir():
            if old.is_dir() and old.name not in wanted:
                shutil.rmtree(old)
    for bundle, folder in found:
        target = index / bundle.name
        complete = folder.name == bundle.entry
        if complete and before.get(bundle.name) == bundle.key and target.is_dir():
            continue
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(folder, target)
    index.mkdir(parents=True, exist_ok=True)
    names = [b.name for b, _ in found]
    keys = [[b.name, b.key if f.name == b.entry else ""] for b, f in found]
    listing.write_text(
        json.dumps({"bundles": names, "keys": keys}, ensure_ascii=False), "utf-8"
    )
    _evict(cache, {folder.name for _, folder in found})


def _evict(cache: Path, used: set[str]) -> None:
    """Drop kept bundles of the same names this build no longer uses."""
    names = {entry.lstrip(".").split(".")[0] for entry in used}
    for entry in cache.iterdir():
        stem = entry.name.lstrip(".").split(".")[0]
        if entry.is_dir() and entry.name not in used and stem in names:
            shutil.rmtree(entry, ignore_errors=True)
