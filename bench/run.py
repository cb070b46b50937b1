#!/usr/bin/env python3
"""Build benchmark: vanilla Pelican vs our full build, rebuild and photos.

    make bench            # N = 1,000 and 10,000
    make bench QUICK=1    # N = 1,000 only

For each N, on one corpus from bench/gen_corpus.py (--no-native-taxonomy,
our metadata), in one run:
  1. vanilla Pelican 4.12, default theme (the baseline);
  2. our full build (`make html`: all plugins, theme, search index);
  3. our rebuild after editing one article, as the dev server does it;
  4. a deploy once a report is added: a new output folder, the cache
     folder of an earlier full build kept (the search index's shards);
  5. at N = 1,000, the same with photos (--write-images): first build,
     rebuild, and a build as the deploy workflow makes it: every photo
     touched (a fresh clone), the photo cache of an earlier build kept.
Medians of --repeat runs; ratios to the baseline of the same run; peak memory.
Results are printed and written into docs/performance.md between markers.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from docblock import write_block

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable

VANILLA_CONF = """\
SITENAME = "Vanilla"
PATH = "content"
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
DEFAULT_PAGINATION = 10
# The corpus repeats titles within a month; vanilla Pelican stops on the
# clash, so its slugs come from the (unique) file names.
SLUGIFY_SOURCE = "basename"
"""


def corpus(folder: Path, n: int, images: bool) -> Path:
    """Generate N reports under folder/tin-tuc with the project's registry."""
    args = [
        PYTHON,
        str(BENCH / "gen_corpus.py"),
        str(folder / "tin-tuc"),
        str(n),
        "--no-native-taxonomy",
    ]
    if images:
        args += ["--write-images", "--image-prefix", "images"]
    subprocess.run(args, check=True, stderr=subprocess.DEVNULL)
    if images:  # the generator writes photos beside the reports
        shutil.move(str(folder / "tin-tuc" / "images"), str(folder / "images"))
    else:  # no photo files: drop the photo lines rather than time 10k warnings
        for report in (folder / "tin-tuc").glob("*.md"):
            text = report.read_text(encoding="utf-8")
            kept = [line for line in text.split("\n") if not line.startswith("![")]
            report.write_text("\n".join(kept), encoding="utf-8")
    (folder / "data").mkdir(exist_ok=True)
    shutil.copy(ROOT / "content/data/registry.toml", folder / "data/registry.toml")
    return folder


def measure(argv: list[str]) -> dict:
    out = subprocess.run(
        [PYTHON, str(BENCH / "measure.py"), *argv],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(out)
    if result["returncode"] != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{result['stderr']}")
    return result


def full_build(
    content: Path, output: Path, cache: Path | None = None, index: bool = True
) -> dict:
    """`make html` into a new output folder with a new, empty cache (no
    photo renditions, no search index from an earlier run), or ``cache``;
    without the search index if not ``index`` (what the index costs)."""
    cache = cache or Path(f"{output}.cache")
    options = f"-e CACHE_PATH='\"{cache}\"'"
    if not index:
        options += " SEARCH_INDEX=false"
    return measure(
        [
            "make",
            "-s",
            "-C",
            str(ROOT),
            "html",
            f"INPUTDIR={content}",
            f"OUTPUTDIR={output}",
            f"VENV={Path(PYTHON).parent.parent}",
            f"PELICANOPTS={options}",
        ]
    )


def vanilla_build(content: Path, output: Path, conf: Path) -> dict:
    pelican = str(Path(PYTHON).parent / "pelican")
    return measure([pelican, str(content), "-o", str(output), "-s", str(conf), "-q"])


def _script(name: str, content: Path, output: Path) -> dict:
    """What a script of bench/ prints last (JSON) for a build of ``content``
    into ``output`` with the project's settings."""
    out = subprocess.run(
        [
            PYTHON,
            str(BENCH / name),
            str(ROOT / "pelicanconf.py"),
            str(content),
            str(output),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def rebuild(content: Path, output: Path) -> dict:
    return _script("rebuild.py", content, output)


def plugin_times(content: Path, outputs: list[Path]) -> dict:
    """Each plugin's own time in a build into each of ``outputs``: the
    median of its seconds and the median of its share of each build (one
    build's shares swing with the disk, item 18 of docs/performance.md)."""
    runs = [_script("plugin_times.py", content, output) for output in outputs]
    return {
        "builds": len(runs),
        "plugins": {
            name: (
                statistics.median(run["plugins"][name] for run in runs),
                statistics.median(run["plugins"][name] / run["total"] for run in runs),
            )
            for name in runs[0]["plugins"]
        },
    }


# Handlers that do Pelican's own work sooner rather than add work.
REPLACES = {
    "safe_markdown": "starts the Markdown workers (the conversion is Pelican's reading)"
}


def plugin_table(shares: dict[int, dict]) -> str:
    builds = {result["builds"] for result in shares.values()}
    lines = [
        "",
        "Each plugin's own time (its signal handlers, and the pages it makes "
        "as `make html` writes them: `bench/plugin_times.py`), "
        f"share of that build; medians of {max(builds)} builds:",
        "",
        "| Plugin | N | seconds | share of build | note |",
        "|---|---:|---:|---:|---|",
    ]
    for n, result in shares.items():
        for name, (secs, share) in result["plugins"].items():
            lines.append(
                f"| {name} | {n:,} | {secs:.2f} | {share:.1%} "
                f"| {REPLACES.get(name, '')} |"
            )
    return "\n".join(lines)


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def fresh(work: Path, name: str) -> Path:
    """A folder no run has used: every run writes into its own, and all
    are deleted at the end.  On ext4 without a journal (this machine's
    disk, and many cloud VMs'), a new inode skips every inode deleted in
    the last 30 s (5.5 min while its block is not yet written back),
    each checked in the inode table: a run started right after deleting
    the previous run's output spent ~6.5 % of all CPU samples there
    (`perf record -a`: recently_deleted, find_get_block_common), ours
    more than vanilla's, as our build makes three times the files and
    folders (41,600 against 13,700 at 10,000 reports)."""
    number = 1
    while (work / f"{name}-{number}").exists():
        number += 1
    return work / f"{name}-{number}"


def _date(report: Path) -> datetime.date:
    with open(report, encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("Date:"):
                return datetime.date.fromisoformat(line.split()[1])
    return datetime.date.min


def deploy_builds(content: Path, kept: Path, work: Path, n: int, repeat: int):
    """A build as the deploy workflow makes it once an editor has added a
    report (the newest, a day after the others): a new output folder, the
    cache folder of an earlier full build restored (photo renditions, the
    search index's shards), a copy of it for each run so that each finds
    the same."""
    last = max((content / "tin-tuc").glob("*.md"))
    added = last.with_name("zz-bench-them-mot-bai.md")
    text = last.read_text(encoding="utf-8")
    lines = text.splitlines()
    title = next(line for line in lines if line.startswith("Title:"))
    date = next(line for line in lines if line.startswith("Date:"))
    newest = max(_date(path) for path in (content / "tin-tuc").glob("*.md"))
    later = f"Date: {newest + datetime.timedelta(days=1):%Y-%m-%d} 08:00"
    text = text.replace(title, title + " (bổ sung)", 1).replace(date, later, 1)
    added.write_text(text, encoding="utf-8")
    runs = []
    try:
        for number in range(repeat):
            cache = work / f"deploy-cache-{n}-{number}"
            shutil.copytree(kept, cache, symlinks=True)
            runs.append(full_build(content, fresh(work, f"o-deploy-{n}"), cache))
    finally:
        added.unlink()
    return runs


def run_size(n: int, repeat: int, work: Path, photos: bool) -> list[dict]:
    rows = []
    content = corpus(work / f"c{n}", n, images=False)
    conf = work / "vanilla.py"
    conf.write_text(VANILLA_CONF, encoding="utf-8")
    # Alternated, not one after the other: this machine's speed drifts
    # (vanilla moved by 7 % between two runs an hour apart).
    base, ours, outputs, unindexed = [], [], [], []
    for _ in range(repeat):
        base.append(vanilla_build(content, fresh(work, f"o-vanilla-{n}"), conf))
        outputs.append(fresh(work, f"o-ours-{n}"))
        ours.append(full_build(content, outputs[-1]))
        # The search plugin's share in the plugin table is the wait for
        # its index after Pelican's pages; this is what the index costs.
        unindexed.append(
            full_build(content, fresh(work, f"o-noindex-{n}"), index=False)
        )
    re = [rebuild(content, fresh(work, f"o-re-{n}")) for _ in range(repeat)]
    deploy = deploy_builds(content, Path(f"{outputs[0]}.cache"), work, n, repeat)
    b = median(base, "wall")
    rows.append(
        ("vanilla Pelican, default theme", n, b, 1.0, max(r["peak_mib"] for r in base))
    )
    rows.append(
        (
            "ours: full build, no caches",
            n,
            median(ours, "wall"),
            median(ours, "wall") / b,
            max(r["peak_mib"] for r in ours),
        )
    )
    rows.append(
        (
            "ours: full build without the search index",
            n,
            median(unindexed, "wall"),
            median(unindexed, "wall") / b,
            max(r["peak_mib"] for r in unindexed),
        )
    )
    rows.append(
        (
            "ours: rebuild after editing one",
            n,
            median(re, "rebuild"),
            median(re, "rebuild") / b,
            max(r["peak_mib"] for r in re),
        )
    )
    rows.append(
        (
            "ours: a deploy of one report more, caches kept",
            n,
            median(deploy, "wall"),
            median(deploy, "wall") / b,
            max(r["peak_mib"] for r in deploy),
        )
    )
    if photos:
        pics = corpus(work / f"p{n}", n, images=True)
        first, kept = [], None  # kept: the first run's cache folder
        for _ in range(repeat):
            output = fresh(work, f"o-pics-{n}")
            first.append(full_build(pics, output))
            kept = kept or Path(f"{output}.cache")
        rep = [rebuild(pics, fresh(work, f"o-pics-re-{n}")) for _ in range(repeat)]
        clone = []
        for _ in range(repeat):
            for photo in (pics / "images").rglob("*.*"):
                os.utime(photo)  # as a clone leaves them: new times
            clone.append(full_build(pics, fresh(work, f"o-clone-{n}"), kept))
        rows.append(
            (
                "ours with photos: first build",
                n,
                median(first, "wall"),
                median(first, "wall") / b,
                max(r["peak_mib"] for r in first),
            )
        )
        rows.append(
            (
                "ours with photos: rebuild",
                n,
                median(rep, "rebuild"),
                median(rep, "rebuild") / b,
                max(r["peak_mib"] for r in rep),
            )
        )
        rows.append(
            (
                "ours with photos: fresh clone, photo cache kept",
                n,
                median(clone, "wall"),
                median(clone, "wall") / b,
                max(r["peak_mib"] for r in clone),
            )
        )
    return rows


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {mem:.0f} GiB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def table(rows, repeat: int) -> str:
    lines = [
        f"Machine: {machine()}. Median of {repeat} runs.",
        "",
        "| Build | N | wall (s) | × vanilla | peak MiB |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {name} | {n:,} | {wall:.2f} | {ratio:.2f} | {peak:.0f} |"
        for name, n, wall, ratio, peak in rows
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="N = 1,000 only")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-write", action="store_true", help="do not update docs/")
    args = ap.parse_args()
    sizes = [1000] if args.quick else [1000, 10000]
    rows, shares = [], {}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for n in sizes:
            rows += run_size(n, args.repeat, Path(tmp), photos=(n == 1000))
            outputs = [
                fresh(Path(tmp), f"o-plugins-{n}-{i}") for i in range(args.repeat)
            ]
            shares[n] = plugin_times(Path(tmp) / f"c{n}", outputs)
    text = table(rows, args.repeat) + "\n" + plugin_table(shares)
    print(text)
    if not args.no_write:
        write_block("bench", "Build benchmark (`make bench`)", text)


if __name__ == "__main__":
    main()
