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
# Debian's libnginx-mod-http-brotli-static; /etc/nginx/modules-enabled loads
# it for the system's nginx, this private one loads it itself.
BROTLI = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed(prefix: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1, made with openssl in ``prefix``."""
    cert, key = prefix / "cert.pem", prefix / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextmanager
def serve(root: Path, prefix: Path, port: int, tls_port: int | None = None):
    """Serve ``root`` at http://127.0.0.1:port (nginx's files in ``prefix``),
    and at https://127.0.0.1:tls_port with a self-signed certificate."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed: apt-get install nginx")
    prefix.mkdir(parents=True, exist_ok=True)
    listen = f"listen 127.0.0.1:{port};"
    if tls_port:
        cert, key = self_signed(prefix)
        listen += (
            f"\n    listen 127.0.0.1:{tls_port} ssl;"
            f"\n    ssl_certificate {cert};\n    ssl_certificate_key {key};"
        )
    server = CONF.read_text(encoding="utf-8")
    server = server.replace("listen 80;", listen)
    server = server.replace("root /srv/tin-phuong/output;", f"root {root};")
    (prefix / "site.conf").write_text(server, encoding="utf-8")
    (prefix / "nginx.conf").write_text(
        (f"load_module {BROTLI};\n" if BROTLI.exists() else "")
        # as root, nginx's workers would drop to "nobody", who cannot read
        # private temporary folders
        + ("user root;\n" if os.geteuid() == 0 else "")
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
