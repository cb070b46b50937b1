"""Reads announcements and documents, writes their pages, feeds, PDFs and
the contact pages (Pelican's Generator API: read and group in
``generate_context``, one page type per small method in ``generate_output``)."""

import os
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican.contents import Page
from pelican.generators import Generator
from portal.problems import Problem, report
from portal.urls import newest_first, unique_slugs
from vietnamese.text import nfc, slugify

from .contacts import ContactError, load_contacts
from .listing import expiry, facets, is_current
from .rules import (
    announcement_problems,
    document_problems,
    document_type,
    parse_date,
    pdf_state,
)
from .settings import setting

FACET_SEGMENTS = {"year": "nam", "type": "loai", "issuer": "co-quan"}


class Announcement(Page):
    """A notice of the office ("Thông báo"), current until ``Expires:``."""

    default_template = "announcement"


class Document(Page):
    """A document the office issues or forwards ("Văn bản"), with its PDF."""

    default_template = "document"


class OfficeGenerator(Generator):
    """Announcements, documents and contacts of the office."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.opt = lambda name: setting(self.settings, name)

    # --- reading ---------------------------------------------------------
    def _problem(self, item_path: str, field: str, message: str, fix: str, level):
        folder = os.path.basename(os.path.normpath(self.path))
        report(
            self.context,
            Problem(f"{folder}/{item_path}", field, message, fix, level == "error"),
        )

    def _read(self, folder: str, content_class) -> list:
        """Every published file of ``folder`` read as ``content_class``;
        a file Pelican cannot read is a problem naming it, not a traceback."""
        items = []
        for name in sorted(self.get_files(folder, extensions=self.readers.extensions)):
            try:
                item = self.readers.read_file(
                    base_path=self.path,
                    path=name,
                    content_class=content_class,
                    context=self.context,
                )
            except Exception as e:  # reported with the file, never a traceback
                self._problem(name, "tệp", f"không đọc được ({e})", "sửa tệp", "error")
                continue
            if item.status == "published":
                items.append(item)
        return items

    def _checked(self, items, rules) -> list:
        kept = []
        for item in items:
            problems = rules(item)
            for field, message, fix, level in problems:
                self._problem(item.relative_source_path, field, message, fix, level)
            if not any(level == "error" for *_, level in problems):
                kept.append(item)
        return kept

    def _place(self, items, kind: str) -> None:
        """Addresses from the OFFICE_<KIND>_URL / _SAVE_AS settings; clashing
        slugs renumbered (a warning names both files)."""
        url, save_as = (
            self.opt(f"OFFICE_{kind}_URL"),
            self.opt(f"OFFICE_{kind}_SAVE_AS"),
        )

        def placed(item):
            item.override_url = url.format(slug=item.slug, date=item.date)
            item.override_save_as = save_as.format(slug=item.slug, date=item.date)

        for item in items:
            placed(item)
        for item, old, first in unique_slugs(
            items,
            address=lambda i: i.save_as,
            source=lambda i: i.source_path,
            renamed=placed,
        ):
            self._problem(
                item.relative_source_path,
                "Slug",
                f"trùng đường dẫn '{old}' với {first.relative_source_path}; "
                f"tạm dùng '{item.slug}'",
                f"thêm dòng 'Slug: {item.slug}' (hoặc một tên khác)",
                "warning",
            )

    def _announcements(self) -> list:
        items = self._read(self.opt("OFFICE_ANNOUNCEMENTS_PATH"), Announcement)
        items = self._checked(items, lambda a: announcement_problems(a.metadata))
        tz = ZoneInfo(self.settings.get("TIMEZONE") or "UTC")
        now = datetime.now(tz)
        for item in items:
            item.expires = expiry(_date_of(item.metadata.get("expires")), tz)
            item.current = is_current(item.date, item.expires, now)
            item.expired = item.expires is not None and item.expires < now
        self._place(items, "ANNOUNCEMENT")
        return sorted(items, key=newest_first)

    def _documents(self) -> list:
        def rules(doc):
            folder = Path(doc.source_path).parent
            return document_problems(doc.metadata, lambda n: pdf_state(folder / n))

        items = self._checked(
            self._read(self.opt("OFFICE_DOCUMENTS_PATH"), Document), rules
        )
        for doc in items:
            meta = doc.metadata
            doc.number = nfc(str(meta["number"]).strip())
            doc.issuer = nfc(str(meta["issuer"]).strip())
            doc.doc_type = document_type(meta["type"])
            doc.pdf_source = Path(doc.source_path).parent / str(meta["file"]).strip()
            doc.pdf_size = file_size(doc.pdf_source.stat().st_size)
            if "slug" not in meta:
                doc.slug = slugify(doc.number.replace("/", " ")) or doc.slug
        self._place(items, "DOCUMENT")
        for doc in items:
            name = slugify(doc.pdf_source.stem) or "van-ban"
            doc.pdf_url = f"{doc.url}{name}.pdf"
            doc.pdf_save_as = f"{os.path.dirname(doc.save_as)}/{name}.pdf"
        return sorted(items, key=newest_first)

    def _contacts(self) -> list:
        path = Path(self.path) / self.opt("OFFICE_REGISTRY")
        try:
            return load_contacts(path, self.opt("OFFICE_CONTACT_URL"))
        except ContactError as e:
            report(
                self.context,
                Problem(str(path), "contact", str(e), "sửa bảng [ward.contact]"),
            )
            return []

    def generate_context(self):
        announcements = self._announcements()
        documents = self._documents()
        url, save_as = (
            self.opt("OFFICE_DOCUMENTS_FILTER_URL"),
            self.opt("OFFICE_DOCUMENTS_FILTER_SAVE_AS"),
        )
        values = {
            "year": lambda d: d.date.year,
            "type": lambda d: d.doc_type,
            "issuer": lambda d: d.issuer,
        }
        document_facets = {
            kind: facets(
                documents,
                kind,
                values[kind],
                url.replace("{facet}", FACET_SEGMENTS[kind]),
                save_as.replace("{facet}", FACET_SEGMENTS[kind]),
            )
            for kind in values
        }
        contacts = self._contacts()
        self.context.update(
            announcements=announcements,
            current_announcements=[a for a in announcements if a.current],
            documents=documents,
            document_facets=document_facets,
            ward_contacts=contacts,
        )
        for name in (
            "ANNOUNCEMENTS_URL",
            "ANNOUNCEMENTS_FEED",
            "DOCUMENTS_URL",
            "DOCUMENTS_FEED",
            "CONTACTS_URL",
        ):
            self.context[f"OFFICE_{name}"] = self.opt(f"OFFICE_{name}")
        self.context.setdefault("sitemap_pages", []).extend(
            sitemap_pages(self.context, self.opt)
        )
        # a feed is written (and linked) only when it has items
        if not announcements:
            self.context["OFFICE_ANNOUNCEMENTS_FEED"] = ""
        if not documents:
            self.context["OFFICE_DOCUMENTS_FEED"] = ""

    # --- writing ---------------------------------------------------------
    def _write(self, writer, save_as, template, url, **names):
        writer.write_file(
            save_as,
            self.get_template(template),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=url,
            page_name=url.rstrip("/") or "index",
            **names,
        )

    def _write_feed(self, writer, items, path, title):
        # No empty feed: its date would be the build's, and two builds of
        # the same content must give the same bytes.
        if path and items:
            writer.write_feed(items, self.context, path, url=path, feed_title=title)

    def _write_announcements(self, writer):
        for item in self.context["announcements"]:
            self._write(writer, item.save_as, item.template, item.url, page=item)
        self._write(
            writer,
            self.opt("OFFICE_ANNOUNCEMENTS_SAVE_AS"),
            "announcements",
            self.opt("OFFICE_ANNOUNCEMENTS_URL"),
        )
        self._write_feed(
            writer,
            self.context["announcements"][
                : self.settings.get("FEED_MAX_ITEMS") or None
            ],
            self.opt("OFFICE_ANNOUNCEMENTS_FEED"),
            "Thông báo",
        )

    def _write_documents(self, writer):
        for doc in self.context["documents"]:
            self._write(writer, doc.save_as, doc.template, doc.url, page=doc)
            target = Path(self.output_path) / doc.pdf_save_as
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(doc.pdf_source, target)  # published as is
        self._write(
            writer,
            self.opt("OFFICE_DOCUMENTS_SAVE_AS"),
            "documents",
            self.opt("OFFICE_DOCUMENTS_URL"),
            facet=None,
        )
        for group in self.context["document_facets"].values():
            for facet in group:
                self._write(writer, facet.save_as, "documents", facet.url, facet=facet)
        self._write_feed(
            writer,
            self.context["documents"][: self.settings.get("FEED_MAX_ITEMS") or None],
            self.opt("OFFICE_DOCUMENTS_FEED"),
            "Văn bản",
        )

    def _write_contacts(self, writer):
        for ward in self.context["ward_contacts"]:
            if ward.has_contact:
                save_as = self.opt("OFFICE_CONTACT_SAVE_AS").format(slug=ward.slug)
                self._write(writer, save_as, "contact", ward.url, ward_contact=ward)
        self._write(
            writer,
            self.opt("OFFICE_CONTACTS_SAVE_AS"),
            "contacts",
            self.opt("OFFICE_CONTACTS_URL"),
        )

    def generate_output(self, writer):
        self._write_announcements(writer)
        self._write_documents(writer)
        self._write_contacts(writer)


def _day(item) -> str:
    when = getattr(item, "modified", None) or item.date
    return when.date().isoformat()


def sitemap_pages(context, opt) -> list[tuple[str, str]]:
    """Every page this plugin writes, with its content's date, for the
    sitemap (the seo plugin reads ``sitemap_pages`` from the context)."""
    announcements, documents = context["announcements"], context["documents"]
    pages = [(a.url, _day(a)) for a in announcements]
    pages += [(d.url, _day(d)) for d in documents]
    pages.append(
        (
            opt("OFFICE_ANNOUNCEMENTS_URL"),
            _day(announcements[0]) if announcements else "",
        )
    )
    pages.append((opt("OFFICE_DOCUMENTS_URL"), _day(documents[0]) if documents else ""))
    for group in context["document_facets"].values():
        pages += [(f.url, _day(f.items[0])) for f in group]
    pages += [(w.url, "") for w in context["ward_contacts"] if w.has_contact]
    pages.append((opt("OFFICE_CONTACTS_URL"), ""))
    return pages


def file_size(size: int) -> str:
    """ "69 byte", "12 KB", "1,2 MB": a download's size as readers write it."""
    if size < 1024:
        return f"{size} byte"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def _date_of(value):
    """Pelican leaves ``Expires:`` as text; the rules have checked it."""
    return parse_date(value) if value else None
