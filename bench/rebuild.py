"""Time dev rebuilds as ``pelican -r`` (``make regenerate``) makes them.

``pelican -r`` keeps one Pelican instance and calls ``run()`` again when a
file changes; this does the same: one full build, then edit one report and
time the next ``run()``, then add one and time the next.  The settings are
pelicanconf.py's, with Pelican's content cache in CACHE; ``--no-index``
turns the search index off.  Prints JSON: seconds and peak memory.
"""

import argparse
import json
import resource
import time
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings


def timed_run(pelican: Pelican) -> tuple[float, float]:
    """Wall and CPU seconds of one run (this process: no workers fork on a
    rebuild, which reads a file or two)."""
    start, cpu = time.perf_counter(), time.process_time()
    pelican.run()
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    for name in ("conf", "content", "output", "cache"):
        ap.add_argument(name)
    ap.add_argument("--no-index", action="store_true")
    args = ap.parse_args()
    override = {"PATH": args.content, "OUTPUT_PATH": args.output}
    override["CACHE_PATH"] = args.cache
    if args.no_index:
        override["SEARCH_INDEX"] = False
    pelican = Pelican(read_settings(args.conf, override=override))
    first, _ = timed_run(pelican)
    reports = sorted(Path(args.content).rglob("*.md"))
    article = reports[len(reports) // 2]
    text = article.read_text(encoding="utf-8")
    added = article.with_name("zz-bench-bai-moi.md")
    try:
        article.write_text(
            text + "\nMột đoạn văn được thêm khi biên tập.\n", encoding="utf-8"
        )
        edited, edited_cpu = timed_run(pelican)
        added.write_text(
            text.replace("Title: ", "Title: Bài mới: ", 1), encoding="utf-8"
        )
        new, new_cpu = timed_run(pelican)
    finally:
        article.write_text(text, encoding="utf-8")
        added.unlink(missing_ok=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times = {"first": first, "edited": edited, "added": new, "peak_mib": peak}
    print(json.dumps({**times, "edited_cpu": edited_cpu, "added_cpu": new_cpu}))


if __name__ == "__main__":
    main()
