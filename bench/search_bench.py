"""What the search index costs, measured on generated reports.

    .venv/bin/python bench/search_bench.py [N ...]   (default: 1000 10000)
    .venv/bin/python bench/search_bench.py --one-bundle N ...   (comparison)

For each N (``/work/shared/bench/gen_corpus.py`` reports, or
``$GEN_CORPUS``): a cold build without the index and one with it (wall
time, CPU of the build and all its children), the peak memory of the
largest Pagefind process and of the build's largest process, the bytes a
browser fetches for a first search ("dang uy") on the built site, and a
deploy after adding one report with ``cache/`` kept (a fresh output folder,
as ``make publish`` builds): its time and the bundles indexed again.
Figures go to stdout as a Markdown table (docs/performance.md,
"## Search index").
"""

import functools
import gzip
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv/bin"
GEN = Path(os.environ.get("GEN_CORPUS", "/work/shared/bench/gen_corpus.py"))
REGISTRY = ROOT / "content/data/registry.toml"
TEXT = (".js", ".json", ".css", ".html", ".svg")


def corpus(folder: Path, count: int) -> Path:
    """``count`` generated reports (their photo lines dropped: no photos)."""
    raw = folder / "raw"
    subprocess.run(
        [sys.executable, str(GEN), str(raw), str(count), "--no-native-taxonomy"],
        check=True,
        capture_output=True,
    )
    content = folder / "content"
    (content / "data").mkdir(parents=True)
    shutil.copy(REGISTRY, content / "data/registry.toml")
    (content / "tin-tuc").mkdir()
    for report in raw.glob("*.md"):
        lines = report.read_text(encoding="utf-8").split("\n")
        kept = "\n".join(line for line in lines if not line.startswith("!["))
        (content / "tin-tuc" / report.name).write_text(kept, encoding="utf-8")
    shutil.rmtree(raw)
    return content


def _descends(pid: int, root: int) -> bool:
    while pid > 1:
        if pid == root:
            return True
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return False
        pid = int(re.search(r"PPid:\s+(\d+)", status).group(1))
    return False


class PeakWatcher(threading.Thread):
    """The largest peak RSS (VmHWM) of a process named ``pagefind`` under
    ``root`` (other builds run on this machine too)."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root = root
        self.peak_kib = 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.wait(0.05):
            for status in Path("/proc").glob("[0-9]*/status"):
                try:
                    text = status.read_text()
                except OSError:
                    continue
                if not text.startswith("Name:\tpagefind"):
                    continue
                if not _descends(int(status.parent.name), self.root):
                    continue
                found = re.search(r"VmHWM:\s+(\d+)", text)
                if found:
                    self.peak_kib = max(self.peak_kib, int(found.group(1)))


def build(content: Path, output: Path, cache: Path, index: bool) -> dict:
    """One Pelican build; wall time, CPU of it and its children, peaks."""
    start = time.perf_counter()
    done = subprocess.Popen(
        [
            str(VENV / "pelican"),
            str(content),
            "-o",
            str(output),
            "-s",
            str(ROOT / "pelicanconf.py"),
            "--verbose",
            "-e",
            f'CACHE_PATH="{cache}"',
            f"SEARCH_INDEX={'true' if index else 'false'}",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    watcher = PeakWatcher(done.pid)
    watcher.start()
    said = done.stdout.read()
    _, status, usage = os.wait4(done.pid, 0)
    wall = time.perf_counter() - start
    watcher.stop.set()
    watcher.join()
    if status:
        sys.exit(said[-5000:])
    reindexed = re.search(r"lập lại (\d+)", said)
    return {
        "wall": wall,
        # the build's and its children's: Pagefind's processes, the indexer
        "cpu": usage.ru_utime + usage.ru_stime,
        "largest_mib": usage.ru_maxrss / 1024,  # the build's largest process
        "pagefind_mib": watcher.peak_kib / 1024,
        "reindexed": int(reindexed.group(1)) if reindexed else None,
    }


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


QUERIES = ("dang uy", "nghi hoa", "khen thuong", "tiep xuc cu tri")


def first_search_bytes(site: Path, query: str) -> tuple[int, int, int]:
    """(bytes as sent by a plain server, the same with text gzipped as nginx
    sends it, requests) for the search page and a first search."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    sizes = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        context = browser.new_context()  # its events: the worker's fetches too
        page = context.new_page()

        def seen(response):
            body = response.body() if response.ok else b""
            packed = len(gzip.compress(body, 6))
            is_text = response.url.split("?")[0].endswith((*TEXT, "/"))
            sizes.append((len(body), packed if is_text else len(body)))

        context.on("response", seen)
        page.goto(f"{base}/tim-kiem/?q={query.replace(' ', '+')}")
        page.wait_for_function(
            """() => {
                const s = document.getElementById('search-status').textContent;
                return s && !s.startsWith('Đang') && [...document
                  .querySelectorAll('.search-hit')].every((h) => h.querySelector('a'));
            }""",
            timeout=120_000,
        )
        page.wait_for_timeout(500)
        browser.close()
    httpd.shutdown()
    return sum(s for s, _ in sizes), sum(g for _, g in sizes), len(sizes)


def add_one_report(content: Path) -> None:
    newest = max((content / "tin-tuc").glob("*.md"), key=lambda p: p.name)
    text = newest.read_text(encoding="utf-8")
    text = re.sub(r"^Title: (.*)$", r"Title: \1 (bổ sung)", text, count=1, flags=re.M)
    text = re.sub(r"^Date: \d{4}", "Date: 2026", text, count=1, flags=re.M)
    (content / "tin-tuc" / "them-mot-bai.md").write_text(text, encoding="utf-8")


def measure(count: int, work: Path) -> dict:
    folder = work / str(count)
    content = corpus(folder, count)
    plain = build(content, folder / "plain", folder / "cache-plain", index=False)
    full = build(content, folder / "full", folder / "cache", index=True)
    fetched = {q: first_search_bytes(folder / "full", q) for q in QUERIES}
    add_one_report(content)
    deploy = build(content, folder / "deploy", folder / "cache", index=True)
    bundles = len(list((folder / "full/pagefind").glob("*/pagefind-entry.json")))
    return {
        "n": count,
        "plain": plain,
        "full": full,
        "bundles": bundles,
        "bytes": fetched,
        "deploy": deploy,
    }


def table(results: list[dict]) -> str:
    rows = [
        "| reports | build without index | with index | index's cost | "
        "CPU a report | largest Pagefind | largest process | bundles | "
        "deploy +1 report |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        plain, full, deploy = r["plain"], r["full"], r["deploy"]
        cpu_ms = (full["cpu"] - plain["cpu"]) / r["n"] * 1000
        rows.append(
            f"| {r['n']:,} | {plain['wall']:.1f} s | {full['wall']:.1f} s | "
            f"+{full['wall'] - plain['wall']:.1f} s | {cpu_ms:.2f} ms | "
            f"{full['pagefind_mib']:.0f} MiB | {full['largest_mib']:.0f} MiB | "
            f"{r['bundles']} | {deploy['wall']:.1f} s, "
            f"{deploy['reindexed']} bundle re-indexed |"
        )
    rows += [
        "",
        "| reports | query | fetched for a first search (text gzipped) | "
        "as sent by a plain server | requests |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        for query, (sent, gz, requests) in r["bytes"].items():
            rows.append(
                f"| {r['n']:,} | {query} | {gz / 1000:.0f} kB | "
                f"{sent / 1000:.0f} kB | {requests} |"
            )
    return "\n".join(rows)


def one_bundle(count: int, work: Path) -> None:
    """For comparison only (not what the plugin does): every report in one
    bundle, built in this process; the first-search bytes."""
    sys.path.insert(0, str(ROOT / "plugins"))
    import search
    from pelican import Pelican
    from pelican.settings import read_settings

    search.bundle_names = lambda days, largest: ["all"] * len(days)
    folder = work / f"one-{count}"
    content = corpus(folder, count)
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(folder / "out"),
            "CACHE_PATH": str(folder / "cache"),
        },
    )
    Pelican(settings).run()
    print("| reports | index | query | fetched | requests |")
    for query in QUERIES:
        _, gz, requests = first_search_bytes(folder / "out", query)
        print(f"| {count:,} | one bundle | {query} | {gz / 1000:.0f} kB | {requests} |")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one-bundle"]:
        with tempfile.TemporaryDirectory(prefix="search-bench-") as work:
            for count in [int(a) for a in argv[1:]] or [1000]:
                one_bundle(count, Path(work))
        return
    counts = [int(a) for a in argv] or [1000, 10000]
    with tempfile.TemporaryDirectory(prefix="search-bench-") as work:
        results = []
        for count in counts:
            results.append(measure(count, Path(work)))
            print(results[-1], file=sys.stderr, flush=True)
    print(table(results))


if __name__ == "__main__":
    main(sys.argv[1:])
