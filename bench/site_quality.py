#!/usr/bin/env python3
"""Page weight and Lighthouse scores of the published site.

    make bench-site

1. publishes content/ as `make publish` does (minified, fingerprinted,
   precompressed), with SITEURL pointing at 127.0.0.1;
2. serves it with Debian's nginx and deploy/nginx.conf (the headers and
   compression a self-hosted portal has);
3. weighs the home page and an article: the HTML plus every CSS and JS file
   it loads, gzipped as nginx sends them (photos aside);
4. runs Lighthouse (npm, pinned in bench/lighthouse/, driving Debian's
   chromium through CHROME_PATH: no browser download) on both pages at its
   default mobile settings (simulated slow 4G, 4x CPU slowdown), --repeat
   times, and keeps the median of each category.

Prints a table and writes it into docs/performance.md between markers.
"""

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
from docblock import write_block  # noqa: E402
from local_nginx import free_port, serve  # noqa: E402

LIGHTHOUSE_DIR = ROOT / "bench" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
BUDGET_KB = 30


class Assets(HTMLParser):
    """Same-site CSS and JS a page loads."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split():
            self.urls.append(a["href"])


def gz_size(path: Path) -> int:
    pre = path.with_name(path.name + ".gz")
    if pre.exists():
        return pre.stat().st_size
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def weigh(out: Path, base: str, page: str) -> dict:
    html = out / page.strip("/") / "index.html" if page != "/" else out / "index.html"
    parser = Assets()
    parser.feed(html.read_text(encoding="utf-8"))
    files = {"HTML": gz_size(html)}
    for url in parser.urls:
        if url.startswith(base):
            url = url[len(base) :]
        if url.startswith(("http:", "https:", "//")):
            files[url] = None  # third party: must not happen
            continue
        files[url] = gz_size(out / url.lstrip("/"))
    return files


def lighthouse(url: str, report: Path) -> dict:
    binary = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    env = dict(os.environ, CHROME_PATH=shutil.which("chromium") or "/usr/bin/chromium")
    subprocess.run(
        [
            str(binary),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            "--only-categories=" + ",".join(CATEGORIES),
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        check=True,
        env=env,
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    scores = {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}
    audits = data["audits"]
    scores["lcp_ms"] = audits["largest-contentful-paint"]["numericValue"]
    scores["tbt_ms"] = audits["total-blocking-time"]["numericValue"]
    scores["cls"] = audits["cumulative-layout-shift"]["numericValue"]
    scores["failed"] = sorted(
        a["id"]
        for a in audits.values()
        if a.get("score") is not None
        and a["score"] < 1
        and a.get("scoreDisplayMode") in ("binary", "metricSavings")
    )
    return scores


def ensure_lighthouse() -> None:
    if (LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse").exists():
        return
    if not shutil.which("npm"):
        sys.exit("Lighthouse needs node and npm: apt-get install npm")
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--silent"],
        cwd=LIGHTHOUSE_DIR,
        check=True,
    )


def first_article(out: Path) -> str:
    pages = sorted((out / "tin-tuc").rglob("index.html"))
    return "/" + pages[-1].parent.relative_to(out).as_posix() + "/"


def report(weights: dict, scores: dict, repeat: int) -> str:
    lines = [
        "Page weight: HTML plus the CSS and JS it loads, gzipped as served "
        f"(photos aside; budget {BUDGET_KB} KB).",
        "",
        "| Page | files | gzipped KB |",
        "|---|---|---:|",
    ]
    for page, files in weights.items():
        total = sum(v or 0 for v in files.values()) / 1024
        names = ", ".join(Path(k).name if k != "HTML" else k for k in files)
        lines.append(f"| {page} | {names} | {total:.1f} |")
    lines += [
        "",
        f"Lighthouse {lighthouse_version()}, mobile (its defaults), Debian's "
        f"chromium; median of {repeat} runs.",
        "",
        "| Page | Performance | Accessibility | Best practices | SEO "
        "| LCP ms | TBT ms | CLS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page, s in scores.items():
        lines.append(
            f"| {page} | {s['performance']} | {s['accessibility']} | "
            f"{s['best-practices']} | {s['seo']} | {s['lcp_ms']:.0f} | "
            f"{s['tbt_ms']:.0f} | {s['cls']:.3f} |"
        )
    failed = sorted({a for s in scores.values() for a in s["failed"]})
    if failed:
        lines += ["", "Audits not passed: " + ", ".join(failed) + "."]
    return "\n".join(lines)


def lighthouse_version() -> str:
    package = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text(encoding="utf-8"))["version"]


def median_scores(runs: list[dict]) -> dict:
    out = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k != "failed"}
    out["failed"] = sorted({a for r in runs for a in r["failed"]})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--content", default=str(ROOT / "content"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-write", action="store_true", help="do not update docs/")
    args = ap.parse_args()
    ensure_lighthouse()
    with tempfile.TemporaryDirectory(prefix="site-") as tmp:
        tmp = Path(tmp)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        out = tmp / "output"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "deploy" / "publish.py"),
                args.content,
                str(out),
                "--pelican",
                str(Path(sys.executable).parent / "pelican"),
            ],
            check=True,
            env=dict(os.environ, SITEURL=base),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        pages = {"home": "/", "article": first_article(out)}
        weights = {name: weigh(out, base, path) for name, path in pages.items()}
        scores = {}
        with serve(out, tmp / "nginx", port):
            for name, path in pages.items():
                runs = [
                    lighthouse(base + path, tmp / f"{name}-{i}.json")
                    for i in range(args.repeat)
                ]
                scores[name] = median_scores(runs)
    text = report(weights, scores, args.repeat)
    print(text)
    if not args.no_write:
        write_block("site", "Page weight and Lighthouse (`make bench-site`)", text)


if __name__ == "__main__":
    main()
