"""Command line of the editor tools; see ``make help``."""

import argparse
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from portal.registry import RegistryError, load_registry
from vietnamese.text import slugify

from . import check, importer

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def free_path(folder: Path, slug: str) -> tuple[Path, bool]:
    """``folder/slug.md``, or the first free ``slug-N.md``; never an existing file."""
    path, n = folder / f"{slug}.md", 2
    taken = path.exists()
    while path.exists():
        path, n = folder / f"{slug}-{n}.md", n + 1
    return path, taken


def read_source(src: Path) -> tuple[str, bool]:
    """The text of a .txt or .docx report, and whether its first paragraph is
    marked as a heading (.docx: a heading style, or bold throughout)."""
    if src.suffix.lower() == ".docx":
        import docx  # python-docx

        paragraphs = [p for p in docx.Document(str(src)).paragraphs if p.text.strip()]
        first = paragraphs[0] if paragraphs else None
        runs = [run for run in first.runs if run.text.strip()] if first else []
        heading = first is not None and (
            first.style.name.startswith(("Title", "Heading"))
            or (bool(runs) and all(run.bold for run in runs))
        )
        return "\n".join(p.text for p in paragraphs), heading
    raw = src.read_bytes()
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("cp1258"), False  # Vietnamese Windows code page


def registry_of(content: Path):
    try:
        return load_registry(content / "data" / "registry.toml")
    except RegistryError as e:
        sys.exit(f"Lỗi danh mục: {e}")


def cmd_import(args) -> int:
    content, src = Path(args.content), Path(args.src)
    if not src.is_file():
        print(f"Không thấy tệp {src}: kiểm tra đường dẫn SRC=...", file=sys.stderr)
        return 2
    text, heading = read_source(src)
    draft = importer.parse_report(text, registry_of(content), args.ward, heading)
    if not draft.paragraphs:
        print(f"{src}: {'; '.join(draft.problems)}", file=sys.stderr)
        return 1
    year = draft.date.year if draft.date else datetime.now(TZ).year
    folder = content / "tin-tuc" / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    path, taken = free_path(folder, draft.slug)
    path.write_text(importer.render(draft), encoding="utf-8")
    print(f"Đã tạo bản nháp: {path}")
    if taken:
        print(
            f"  (đã có bài {folder / (draft.slug + '.md')}: không ghi đè, lưu tên mới)"
        )
    print("Những gì đã đoán — hãy kiểm tra:")
    for guess in draft.guesses:
        print(f"  - {guess}")
    for problem in draft.problems:
        print(f"  ! {problem}")
    return 0


def cmd_new(args) -> int:
    content = Path(args.content)
    registry = registry_of(content)
    ward = registry.ward(args.ward) if args.ward else None
    if args.ward and ward is None:
        hint = ", ".join(registry.ward_suggestions(args.ward))
        print(
            f"Không có phường '{args.ward}' trong danh mục"
            + (f" — có phải ý bạn là: {hint}?" if hint else ""),
            file=sys.stderr,
        )
        return 1
    if not args.title.strip():
        print('Thiếu tiêu đề: make new TITLE="..." WARD="..."', file=sys.stderr)
        return 1
    now = datetime.now(TZ)
    topics = importer.suggest_topics(args.title, registry)
    folder = content / "tin-tuc" / str(now.year)
    folder.mkdir(parents=True, exist_ok=True)
    path, _ = free_path(folder, slugify(args.title)[:80].rstrip("-") or "bai-viet")
    path.write_text(new_article(args.title, now, ward, topics, args.authors), "utf-8")
    print(f"Đã tạo bài mới: {path}")
    if ward is None:
        print('  ! Chưa có phường: điền dòng Ward (hoặc chạy lại với WARD="...")')
    if not topics:
        print("  ! Chưa đoán được chủ đề: điền dòng Topics theo danh mục")
    print(
        "  Viết nội dung thay cho dòng hướng dẫn; tóm tắt riêng: thêm dòng "
        "'Summary: ...' (không có thì trang dùng đoạn đầu của bài).\n"
        f"  Ảnh: chép vào {content / 'images' / str(now.year)}/ rồi thêm dòng "
        f"![Chú thích](images/{now.year}/ten-anh.jpg), dưới đó là dòng chú thích.\n"
        "  Xem trước: make devserver — kiểm tra: make check — "
        "đăng: bỏ dòng 'Status: draft'."
    )
    return 0


def new_article(title: str, now: datetime, ward, topics, authors: str) -> str:
    """A draft that ``make check`` and the build accept as it is: the
    metadata lines to fill, one line of guidance as its text, no photo line
    (a photo line must name a file that exists)."""
    return (
        f"Title: {title.strip()}\n"
        f"Date: {now:%Y-%m-%d %H:%M}\n"
        f"Ward: {ward.name if ward else ''}\n"
        f"Topics: {', '.join(t.name for t in topics)}\n"
        + (f"Authors: {authors.strip()}\n" if authors.strip() else "")
        + "Status: draft\n\n"
        "Viết nội dung bài ở đây. Mỗi đoạn cách nhau một dòng trống.\n"
    )


def cmd_check(args) -> int:
    if not Path(args.content).is_dir():
        print(f"Không thấy thư mục nội dung {args.content}", file=sys.stderr)
        return 2
    try:
        settings = None
        if args.settings:
            from pelican.settings import read_settings

            content = str(Path(args.content).resolve())
            settings = read_settings(args.settings, override={"PATH": content})
        findings = check.check_folder(args.content, debug=args.debug, settings=settings)
    except Exception as e:
        if args.debug:
            raise
        print(
            f"Không kiểm tra được {args.content}: {e or type(e).__name__} "
            "(chạy lại với --debug để xem chi tiết)",
            file=sys.stderr,
        )
        return 1
    print(check.report(findings, args.format))
    return 1 if any(f.level == "error" for f in findings) else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="editor", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("import", help="nhập bản tin dạng .txt/.docx thành bản nháp")
    p.add_argument("src")
    p.add_argument("--content", default="content")
    p.add_argument("--ward", default="")
    p.set_defaults(run=cmd_import)
    p = sub.add_parser("new", help="tạo bài mới")
    p.add_argument("--title", required=True)
    p.add_argument("--ward", default="")
    p.add_argument("--authors", default="")
    p.add_argument("--content", default="content")
    p.set_defaults(run=cmd_new)
    p = sub.add_parser("check", help="kiểm tra thư mục nội dung")
    p.add_argument("content", nargs="?", default="content")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--settings", help="pelicanconf.py: thư mục, múi giờ, danh mục như khi dựng"
    )
    p.add_argument(
        "--debug", "-v", action="store_true", help="in chi tiết khi gặp lỗi lạ"
    )
    p.set_defaults(run=cmd_check)
    args = ap.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
