"""``make devserver``: rebuild on save, reload the browser, never stop on errors.

One Pelican instance builds again on every change (Pelican's content cache
keeps unchanged reports); livereload watches the content folder
and the theme, serves the output through :func:`editor.serve.site_app` (pretty
URLs, the site's 404 page) on 127.0.0.1 and reloads the open page after each
build.  A failed build is printed in Vietnamese and the server keeps running
with the last good pages.  A busy port is said before the first build, with
the ``PORT=`` to use instead; the address is printed once the server listens.
"""

import argparse
import logging
import os
import sys

from pelican import Pelican
from pelican.settings import read_settings

from .serve import address_problem, probe, site_app

log = logging.getLogger("editor.devserver")


def safe_rebuild(pelican: Pelican) -> bool:
    """Build once; on any failure log it and return False instead of raising."""
    try:
        pelican.run()
    except (Exception, SystemExit) as e:
        log.error(
            "Dựng trang thất bại: %s — sửa lỗi rồi lưu lại, trang sẽ tự tải lại.",
            e or type(e).__name__,
        )
        return False
    return True


def quiet_server_logs() -> None:
    """One line per message: livereload adds its own handler to its logger
    and to tornado's, which also reach Pelican's root handler (every line
    twice); its progress lines and tornado's request lines are English
    noise for an editor, so only their errors are kept, printed once."""
    for name in ("livereload", "tornado"):
        logging.getLogger(name).propagate = False
    logging.getLogger("livereload").addFilter(
        lambda record: record.levelno >= logging.ERROR
    )
    logging.getLogger("tornado.access").addFilter(lambda record: False)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("content")
    ap.add_argument("output")
    ap.add_argument("conf")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    args = ap.parse_args(argv)
    busy = probe(args.host, args.port)
    if busy is not None:
        print(address_problem(busy, args.host, args.port, "devserver"), file=sys.stderr)
        return 1
    from pelican.log import init as init_logging

    init_logging(level=logging.WARNING)
    quiet_server_logs()
    settings = read_settings(
        args.conf,
        override={
            "PATH": os.path.abspath(args.content),
            "OUTPUT_PATH": os.path.abspath(args.output),
        },
    )
    pelican = Pelican(settings)
    safe_rebuild(pelican)

    from livereload import Server
    from tornado.ioloop import IOLoop

    server = Server(site_app(settings["OUTPUT_PATH"]))
    for folder in (settings["PATH"], settings["THEME"]):
        server.watch(os.path.join(folder, "**", "*"), lambda: safe_rebuild(pelican))
    # runs once the loop has started, that is once the server listens
    IOLoop.current().add_callback(
        print,
        f"Xem trước tại http://{args.host}:{args.port}/ (Ctrl+C để dừng)",
        flush=True,
    )
    try:
        server.serve(host=args.host, port=args.port, debug=False)
    except OSError as e:  # taken between the check above and now
        print(address_problem(e, args.host, args.port, "devserver"), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
