"""Time a rebuild after editing one article, as the dev server does it.

``pelican -r`` keeps one Pelican instance and calls ``run()`` again when a
file changes; this does the same: one full build, then edit one report and
time the second ``run()``.  Prints JSON: first build, rebuild, peak memory.
"""

import json
import resource
import sys
import time
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings


def main(conf: str, content: str, output: str) -> None:
    settings = read_settings(conf, override={"PATH": content, "OUTPUT_PATH": output})
    pelican = Pelican(settings)
    start = time.perf_counter()
    pelican.run()
    first = time.perf_counter() - start
    article = sorted(Path(content).rglob("*.md"))[
        len(list(Path(content).rglob("*.md"))) // 2
    ]
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text + "\nMột đoạn văn được thêm khi biên tập.\n", encoding="utf-8"
    )
    try:
        start = time.perf_counter()
        pelican.run()
        rebuild = time.perf_counter() - start
    finally:
        article.write_text(text, encoding="utf-8")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"first": first, "rebuild": rebuild, "peak_mib": peak}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
