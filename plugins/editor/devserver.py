"""``make devserver``: rebuild on save, reload the browser, never stop on errors.

One Pelican instance builds again on every change (so the buildspeed plugin
reuses unchanged reports and pages); livereload watches the content folder
and the theme, serves the output on 127.0.0.1 and reloads the open page
after each build.  A failed build is printed in Vietnamese and the server
keeps running with the last good pages.
"""

import argparse
import logging
import os

from pelican import Pelican
from pelican.settings import read_settings

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


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("content")
    ap.add_argument("output")
    ap.add_argument("conf")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    args = ap.parse_args(argv)
    from pelican.log import init as init_logging

    init_logging(level=logging.WARNING)
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

    server = Server()
    for folder in (settings["PATH"], settings["THEME"]):
        server.watch(os.path.join(folder, "**", "*"), lambda: safe_rebuild(pelican))
    print(f"Xem trước tại http://{args.host}:{args.port}/ (Ctrl+C để dừng)")
    server.serve(root=settings["OUTPUT_PATH"], host=args.host, port=args.port)


if __name__ == "__main__":
    main()
