"""``make serve``: the built site on 127.0.0.1, answered as the web server does.

:func:`site_app` is one WSGI application for ``make serve`` (the standard
library's ``wsgiref`` server) and ``make devserver`` (livereload serves a
WSGI application and adds its reload script): pretty URLs
(``/tin-tuc/2024/01/slug/`` is ``.../slug/index.html``, ``/phuong`` moves to
``/phuong/``), and the site's own ``404.html`` with status 404 for a missing
page, as ``deploy/nginx.conf`` does.  A port that cannot be opened gets a
Vietnamese message naming ``PORT=``, never a traceback.
"""

import argparse
import errno
import logging
import mimetypes
import re
import socket
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import quote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

log = logging.getLogger(__name__)

_TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg")
_PLAIN = ("Content-Type", "text/plain; charset=utf-8")
_HEAD = re.compile(rb"<head\b[^>]*>", re.IGNORECASE)


def locate(root: Path, url_path: str) -> tuple[str, Path | str | None]:
    """What ``url_path`` is under ``root``: ("file", path), ("redirect",
    path with a slash added) or ("missing", None).  Nothing outside ``root``
    is ever found."""
    parts = [p for p in url_path.split("/") if p not in ("", ".")]
    if any(p == ".." or "\0" in p or "\\" in p for p in parts):
        return "missing", None
    try:
        target = root.joinpath(*parts).resolve()
    except (OSError, ValueError):
        return "missing", None
    if not target.is_relative_to(root):
        return "missing", None
    if target.is_dir():
        if parts and not url_path.endswith("/"):
            return "redirect", url_path + "/"
        target = target / "index.html"
    return ("file", target) if target.is_file() else ("missing", None)


def not_found_page(root: Path) -> bytes:
    """The site's 404 page, its relative links anchored at the site's root
    (the page is shown at any depth); a plain message when there is none."""
    page = root / "404.html"
    if not page.is_file():
        return "Không tìm thấy trang (chưa có 404.html: chạy make html)".encode()
    body = page.read_bytes()
    if b"<base" not in body:
        body = _HEAD.sub(lambda m: m.group(0) + b'<base href="/">', body, count=1)
    return body


def content_type(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith(_TEXT_TYPES) else kind


def site_app(root):
    """A WSGI application serving the built site in ``root`` (GET and HEAD)."""
    root = Path(root).resolve()

    def app(environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD"), _PLAIN])
            return [b""]
        raw = environ.get("PATH_INFO", "/") or "/"
        try:  # WSGI hands the path over as latin-1; the site's names are UTF-8
            url_path = raw.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            url_path = raw
        kind, found = locate(root, url_path)
        if kind == "redirect":
            query = environ.get("QUERY_STRING", "")
            start_response(
                "301 Moved Permanently",
                [("Location", quote(found) + (f"?{query}" if query else "")), _PLAIN],
            )
            return [b""]
        if kind == "file":
            status, body, ctype = "200 OK", found.read_bytes(), content_type(found)
        else:
            status, body = "404 Not Found", not_found_page(root)
            ctype = "text/html; charset=utf-8"
        start_response(
            status,
            [
                ("Content-Type", ctype),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-cache"),
            ],
        )
        return [b"" if method == "HEAD" else body]

    return app


def probe(host: str, port: int) -> OSError | None:
    """Why ``host:port`` cannot be listened on now, or None when it can
    (with SO_REUSEADDR, as both servers bind)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as e:
            return e
    return None


def address_problem(error: OSError, host: str, port: int, command: str) -> str:
    """The Vietnamese message for a port that cannot be opened, with the
    ``make`` command line to run instead."""
    if error.errno == errno.EADDRINUSE:
        free = next(
            (p for p in range(port + 1, min(port + 50, 65536)) if not probe(host, p)),
            port + 1,
        )
        return (
            f"Cổng {port} đang bận (một máy chủ xem trước khác đang chạy?) — "
            f"chạy lại với make {command} PORT={free}"
        )
    if error.errno == errno.EACCES:
        return (
            f"Không được dùng cổng {port} (cổng dưới 1024 cần quyền quản trị) — "
            f"chạy lại với make {command} PORT=8000"
        )
    return (
        f"Không mở được địa chỉ {host}:{port} ({error.strerror or error}) — "
        f"kiểm tra SERVER= và PORT=, ví dụ make {command} SERVER=127.0.0.1 PORT=8000"
    )


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    """No line per request: the terminal is for what an editor must read."""

    def log_message(self, format, *args):
        pass


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    args = ap.parse_args(argv)
    output = Path(args.output)
    if not (output / "index.html").is_file():
        print(
            f"Chưa có trang nào trong {output} — chạy make html trước "
            "(hoặc make devserver: dựng và xem trước cùng lúc)",
            file=sys.stderr,
        )
        return 1
    try:
        server = make_server(
            args.host,
            args.port,
            site_app(output),
            server_class=ThreadingWSGIServer,
            handler_class=QuietHandler,
        )
    except OSError as e:
        print(address_problem(e, args.host, args.port, "serve"), file=sys.stderr)
        return 1
    port = server.server_address[1]  # the one chosen, with --port 0
    print(f"Xem trang tại http://{args.host}:{port}/ (Ctrl+C để dừng)", flush=True)
    with server:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("Đã dừng.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
