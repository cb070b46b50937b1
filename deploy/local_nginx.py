"""Run Debian's nginx with deploy/nginx.conf on 127.0.0.1 for a folder.

Used by the tests (tests/test_deploy.py) and by bench/site_quality.py, so
what they measure is what a self-hosted portal serves.
"""

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

CONF = Path(__file__).resolve().parent / "nginx.conf"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(root: Path, prefix: Path, port: int):
    """Serve ``root`` at http://127.0.0.1:port (nginx's files in ``prefix``)."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed: apt-get install nginx")
    prefix.mkdir(parents=True, exist_ok=True)
    server = CONF.read_text(encoding="utf-8")
    server = server.replace("listen 80;", f"listen 127.0.0.1:{port};")
    server = server.replace("root /srv/tin-phuong/output;", f"root {root};")
    (prefix / "site.conf").write_text(server, encoding="utf-8")
    (prefix / "nginx.conf").write_text(
        # as root, nginx's workers would drop to "nobody", who cannot read
        # private temporary folders
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\n"
        "events {}\nhttp {\n"
        f"  access_log off;\n  client_body_temp_path {prefix};\n"
        f"  proxy_temp_path {prefix};\n  fastcgi_temp_path {prefix};\n"
        f"  uwsgi_temp_path {prefix};\n  scgi_temp_path {prefix};\n"
        f"  include {prefix}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [binary, "-c", str(prefix / "nginx.conf"), "-p", str(prefix)],
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stderr.read().decode()) from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=5)
