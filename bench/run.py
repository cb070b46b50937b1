#!/usr/bin/env python3
"""Build benchmark: our build against vanilla Pelican and Hugo.

    make bench                  # N = 10,000
    make bench QUICK=1          # N = 1,000
    make bench BENCHOPTS="--sizes 10000 50000"

For each N, on one corpus from bench/gen_corpus.py (ours and vanilla
Pelican's in Markdown, Hugo's the same reports with YAML front matter), in
one run:
  1. vanilla Pelican 4.12, default theme (the first baseline);
  2. Hugo (Debian's ``hugo``), the minimal theme in bench/hugo/ (list,
     single and term pages; the second baseline);
  3. our full build (`make html`), no cache, without and with the search
     index;
  4. dev rebuilds as ``make regenerate`` makes them (one process, Pelican's
     content cache): after editing one report, after adding one;
  5. a publish build (publishconf.py) once a report is added, cache/ kept.
Ratios are to both baselines of the same run; peak memory is the largest
process's.  At N above 10,000 only 1-3 are run.  Results are printed and
written into docs/performance.md between markers.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from docblock import write_block

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable

HUGO_SITE = BENCH / "hugo"
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


def corpus(folder: Path, n: int, hugo: bool = False) -> Path:
    """N reports under folder/tin-tuc with the project's registry (or, for
    Hugo, the same reports under folder/content), without their photo
    lines: no photo files here, and 10,000 warnings are not what we time."""
    reports = folder / ("content" if hugo else "tin-tuc")
    args = [PYTHON, str(BENCH / "gen_corpus.py"), str(reports), str(n)]
    args += ["--format", "hugo"] if hugo else ["--no-native-taxonomy"]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    for report in reports.glob("*.md"):
        text = report.read_text(encoding="utf-8")
        kept = [line for line in text.split("\n") if not line.startswith("![")]
        report.write_text("\n".join(kept), encoding="utf-8")
    if not hugo:
        (folder / "data").mkdir(exist_ok=True)
        shutil.copy(ROOT / "content/data/registry.toml", folder / "data")
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
    content: Path,
    output: Path,
    cache: Path | None = None,
    index: bool = True,
    conf: Path = ROOT / "pelicanconf.py",
) -> dict:
    """`make html` into a new output folder with a new, empty cache, or
    ``cache``; without the search index if not ``index``."""
    cache = cache or Path(f"{output}.cache")
    # Content problems stay warnings even with publishconf.py: the generated
    # corpus repeats titles within a month (slugs renumbered, an error in a
    # strict build), which is not what is timed.
    options = f"-e CACHE_PATH='\"{cache}\"' PORTAL_STRICT=false"
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
            f"CONFFILE={conf}",
            f"VENV={Path(PYTHON).parent.parent}",
            f"PELICANOPTS={options}",
        ]
    )


def vanilla_build(content: Path, output: Path, conf: Path) -> dict:
    pelican = str(Path(PYTHON).parent / "pelican")
    return measure([pelican, str(content), "-o", str(output), "-s", str(conf), "-q"])


def hugo_build(site: Path, output: Path) -> dict:
    hugo = shutil.which("hugo")
    if hugo is None:
        raise SystemExit("make bench cần Hugo: apt-get install hugo")
    return measure(
        [
            hugo,
            "--quiet",
            "--source",
            str(HUGO_SITE),
            "--contentDir",
            str(site / "content"),
            "--destination",
            str(output),
            "--cacheDir",
            str(site / "hugo-cache"),
        ]
    )


def _script(name: str, *args: str) -> dict:
    """What a script of bench/ prints last (JSON)."""
    out = subprocess.run(
        [PYTHON, str(BENCH / name), *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def rebuilds(content: Path, output: Path) -> dict:
    """Dev rebuilds after editing one report and adding one (rebuild.py)."""
    conf = str(ROOT / "pelicanconf.py")
    return _script(
        "rebuild.py", conf, str(content), str(output), f"{output}.cache", "--no-index"
    )


def plugin_times(content: Path, output: Path) -> dict:
    """Each plugin's own time in one build (plugin_times.py)."""
    return _script(
        "plugin_times.py", str(ROOT / "pelicanconf.py"), str(content), str(output)
    )


# Handlers that do Pelican's own work sooner rather than add work.
NOTES = {"parallel_read": "Pelican's reading, on every core (it replaces it)"}


def plugin_table(times: dict[int, dict]) -> str:
    lines = [
        "",
        "Each plugin's own time (its signal handlers and its generator, which "
        "writes its pages: `bench/plugin_times.py`), share of that build "
        "(search index included):",
        "",
        "| Plugin | N | seconds | share of build | note |",
        "|---|---:|---:|---:|---|",
    ]
    for n, result in times.items():
        for name, secs in result["plugins"].items():
            share, note = secs / result["total"], NOTES.get(name, "")
            lines.append(f"| {name} | {n:,} | {secs:.2f} | {share:.1%} | {note} |")
    return "\n".join(lines)


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


def add_report(content: Path) -> Path:
    """A copy of the last report, newer than all, under another title."""
    last = max((content / "tin-tuc").glob("*.md"))
    added = last.with_name("zz-bench-them-mot-bai.md")
    lines = last.read_text(encoding="utf-8").splitlines()
    newest = max(_date(path) for path in (content / "tin-tuc").glob("*.md"))
    later = newest + datetime.timedelta(days=1)
    for number, line in enumerate(lines):
        if line.startswith("Title:"):
            lines[number] = line + " (bổ sung)"
        elif line.startswith("Date:"):
            lines[number] = f"Date: {later:%Y-%m-%d} 08:00"
    added.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return added


def run_size(n: int, work: Path, full: bool) -> list[tuple]:
    """The rows of one N: (build, seconds, peak MiB)."""
    content = corpus(work / f"c{n}", n)
    hugo_site = corpus(work / f"h{n}", n, hugo=True)
    conf = work / "vanilla.py"
    conf.write_text(VANILLA_CONF, encoding="utf-8")
    rows = []

    def row(name, result, key="wall", cpu="cpu"):
        rows.append((name, result[key], result[cpu], result["peak_mib"]))
        print(json.dumps({"n": n, "row": rows[-1]}, ensure_ascii=False), flush=True)

    row(
        "vanilla Pelican, default theme", vanilla_build(content, work / f"o-v{n}", conf)
    )
    row("Hugo, minimal theme (bench/hugo)", hugo_build(hugo_site, work / f"o-h{n}"))
    cold = work / f"o-ours{n}"
    row("ours: full build, no cache", full_build(content, cold, index=False))
    if not full:
        return rows
    row(
        "ours: full build, no cache, with the current search index",
        full_build(content, work / f"o-idx{n}"),
    )
    dev = rebuilds(content, work / f"o-dev{n}")
    row("ours: dev rebuild after editing one report", dev, "edited", "edited_cpu")
    row("ours: dev rebuild after adding one report", dev, "added", "added_cpu")
    # A publish once an editor has added a report: a new output folder, the
    # cache/ of the earlier full build (the deploy workflow restores it).
    added = add_report(content)
    try:
        row(
            "ours: publish build of one report more, cache/ kept",
            full_build(
                content,
                work / f"o-pub{n}",
                cache=Path(f"{cold}.cache"),
                index=False,
                conf=ROOT / "publishconf.py",
            ),
        )
    finally:
        added.unlink()
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


def table(results: dict[int, list[tuple]]) -> str:
    lines = [
        f"Machine: {machine()}. One run each; load average "
        f"{os.getloadavg()[0]:.1f} at the end.  CPU: user + system seconds of "
        "the build's processes.",
        "",
        "| Build | N | wall (s) | × vanilla | × Hugo | CPU (s) | peak MiB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for n, rows in results.items():
        vanilla, hugo = rows[0][1], rows[1][1]
        lines += [
            f"| {name} | {n:,} | {wall:.2f} | {wall / vanilla:.2f} "
            f"| {wall / hugo:.2f} | {cpu:.2f} | {peak:.0f} |"
            for name, wall, cpu, peak in rows
        ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="N = 1,000 only")
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    ap.add_argument("--no-write", action="store_true", help="do not update docs/")
    ap.add_argument(
        "--block", default="bench", help="the marked block of docs/ to write"
    )
    args = ap.parse_args()
    sizes = [1000] if args.quick else args.sizes
    results, times = {}, {}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for n in sizes:
            work = Path(tmp) / f"n{n}"
            work.mkdir()
            results[n] = run_size(n, work, full=n <= 10_000)
            if n <= 10_000:
                times[n] = plugin_times(work / f"c{n}", work / f"o-plugins{n}")
            for line in table({n: results[n]}).splitlines()[4:]:
                print(line, flush=True)
    text = table(results) + "\n" + (plugin_table(times) if times else "")
    print(text)
    if not args.no_write:
        title = "Build benchmark (`make bench`)"
        if args.block != "bench":
            title += f", `--sizes {' '.join(map(str, sizes))}`"
        write_block(args.block, title, text)


if __name__ == "__main__":
    main()
