"""One Pagefind bundle per year, each written by Pagefind's own indexer.

A changed bundle's records are written as small HTML pages into a scratch
folder, and a separate Python process (:func:`main`) runs Pagefind's
command line on each (``pagefind --site``), ``SEARCH_WORKERS`` at a time:
no Pagefind process ever holds more than one bundle's pages.  Not
Pagefind's Python API: its service hung for good twice here (10,000
reports: a service waiting for a request while Python waited for its
reply), and it reads one reply per 0.1 s (``add_html_file`` for each of
1,000 reports: 100 s).

A written bundle is kept in ``cache/search/<name>.<key>/``, the key made of
its pages and Pagefind's version, and copied into ``output/pagefind/<name>/``
(:func:`install`); a later build whose bundle has the same key copies it
from there instead of indexing again.  The browser merges the bundles
listed in ``output/pagefind/bundles.json`` with Pagefind's ``mergeIndex``.
"""

import json
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from pagefind.service import get_executable

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


def _pagefind(site: Path, target: Path) -> tuple[int, str]:
    """Pagefind's command line on the pages in ``site``, writing the bundle
    to ``target``: (pages indexed, -1 if it failed; what it said)."""
    command = [
        str(get_executable()),
        "--site",
        str(site),
        "--output-path",
        str(target),
        "--force-language",
        CONFIG["force_language"],
    ]
    run = subprocess.run(command, capture_output=True, text=True, errors="replace")
    said = (run.stderr + "\n" + run.stdout).strip()  # its warnings first
    indexed = re.search(r"Indexed (\d+) pages?", said)
    if run.returncode or not indexed:
        return -1, said
    return int(indexed.group(1)), said


# Pagefind's progress lines, as opposed to what it says went wrong.
_PROGRESS = re.compile(
    r"^(Running|Source|Output|\[|Found|Note|Search will|Total|Finished|Did not|"
    r"↳|Discovered|\s+Indexed)"
)


def _why(said: str) -> str:
    """What Pagefind said about a page it did not take."""
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    problems = [line for line in lines if not _PROGRESS.match(line)]
    return "Pagefind: " + (problems[0] if problems else "không nhận trang")


def _index(job: dict) -> list[list[str]]:
    """Index one bundle's pages into its target; [source, reason] of each
    report Pagefind did not take (the bundle then holds the others)."""
    site, target = Path(job["site"]), Path(job["target"])
    count, said = _pagefind(site, target)
    if count == len(job["pages"]):
        return []
    # The slow way, only when a bundle failed: each report on its own, so
    # that the ones Pagefind does not take are named, then the rest.
    shutil.rmtree(target, ignore_errors=True)
    rejected = []
    for path, source in job["pages"]:
        with tempfile.TemporaryDirectory() as scratch:
            alone = Path(scratch) / "site" / path
            alone.parent.mkdir(parents=True)
            shutil.copy(site / path, alone)
            count, said = _pagefind(Path(scratch) / "site", Path(scratch) / "out")
        if count != 1:
            rejected.append([source, _why(said)])
            (site / path).unlink()
    count, said = _pagefind(site, target)
    if count < 0:
        raise RuntimeError(said[-1000:])
    return rejected


def _index_and_stabilise(job: dict) -> list[list[str]]:
    rejected = _index(job)
    stabilise(Path(job["target"]))
    return rejected


def main(plan_file: str) -> None:
    """In the indexing process: index the bundles the plan lists, a few at
    a time, then write what Pagefind rejected beside the plan."""
    plan = json.loads(Path(plan_file).read_text(encoding="utf-8"))
    with ThreadPoolExecutor(max(1, plan["workers"])) as pool:
        done = pool.map(_index_and_stabilise, plan["jobs"])
        rejected = {job["name"]: r for job, r in zip(plan["jobs"], done, strict=True)}
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
    plan = (scratch / "plan.json").resolve()  # the process runs in plugins/
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
