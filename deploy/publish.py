"""``make publish``: build, check, then atomically replace the published site.

    SITEURL=https://tin.example.vn make publish

1. Pelican builds with publishconf.py into ``OUTPUT.new`` (strict: content
   errors stop it);
2. every internal link and asset of every page must resolve;
3. HTML and CSS are minified, CSS/JS get fingerprinted names, every text file
   gets ``.gz`` and ``.br`` beside it;
4. only then ``OUTPUT`` is replaced (rename, rename): a failure at any step
   leaves the previous site untouched.

The output is byte-for-byte reproducible from the same commit.
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from postprocess import (  # noqa: E402
    broken_links,
    fingerprint,
    minify,
    normalise_mtimes,
    precompress,
)


def fail(message: str, staging: Path) -> int:
    print(f"KHÔNG ĐĂNG: {message}", file=sys.stderr)
    print("Trang đang chạy được giữ nguyên.", file=sys.stderr)
    shutil.rmtree(staging, ignore_errors=True)
    return 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("content")
    ap.add_argument("output")
    ap.add_argument("--settings", default=str(HERE.parent / "publishconf.py"))
    ap.add_argument("--pelican", default="pelican")
    args = ap.parse_args(argv)
    output = Path(args.output).resolve()
    staging = output.with_name(output.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    build = subprocess.run(
        [args.pelican, args.content, "-o", str(staging), "-s", args.settings]
    )
    if build.returncode != 0 or not (staging / "index.html").is_file():
        return fail("dựng trang thất bại (xem lỗi ở trên)", staging)
    site_url = os.environ.get("SITEURL", "").rstrip("/")
    broken = broken_links(staging, site_url)
    if broken:
        for page, link in broken[:50]:
            print(f"  {page}: liên kết hỏng {link}", file=sys.stderr)
        return fail(f"{len(broken)} liên kết hoặc tệp không tồn tại", staging)
    before = sum(p.stat().st_size for p in staging.rglob("*") if p.is_file())
    saved = minify(staging)
    renames = fingerprint(staging)
    files, raw, gz = precompress(staging)
    normalise_mtimes(staging)
    old = output.with_name(output.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if output.exists():
        output.rename(old)
    staging.rename(output)
    shutil.rmtree(old, ignore_errors=True)
    print(
        f"Đã đăng vào {output}: minify bớt {saved / 1024:.0f} KiB "
        f"({saved / max(before, 1):.1%}); {len(renames)} tệp CSS/JS có dấu vân tay; "
        f"{files} tệp văn bản nén sẵn, gzip {raw / 1024:.0f} KiB "
        f"-> {gz / 1024:.0f} KiB."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
