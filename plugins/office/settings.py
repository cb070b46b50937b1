"""The office plugin's settings, prefixed OFFICE_, with their defaults."""

DEFAULTS = {
    # --- identity: header and footer (empty fields are left out) ---
    "OFFICE_PORTAL_NAME": "",  # "" -> SITENAME
    "OFFICE_LOGO": "theme/img/logo.svg",  # address under the site; "" -> none
    "OFFICE_LOGO_SIZE": (48, 48),  # fixed, so the header never shifts
    "OFFICE_AGENCY": "",  # cơ quan chủ quản
    "OFFICE_RESPONSIBLE": "",  # người chịu trách nhiệm
    "OFFICE_ADDRESS": "",
    "OFFICE_PHONE": "",
    "OFFICE_FAX": "",
    "OFFICE_EMAIL": "",
    "OFFICE_LICENCE": "",  # giấy phép, where one exists
    # Plain share links (no third-party script); {url} is the page's address.
    "OFFICE_SHARE_LINKS": (
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
        ("Zalo", "https://sp.zalo.me/share_inline?url={url}"),
    ),
    # --- announcements (Thông báo) ---
    "OFFICE_ANNOUNCEMENTS_PATH": "thong-bao",
    "OFFICE_ANNOUNCEMENT_URL": "thong-bao/{date:%Y}/{slug}/",
    "OFFICE_ANNOUNCEMENT_SAVE_AS": "thong-bao/{date:%Y}/{slug}/index.html",
    "OFFICE_ANNOUNCEMENTS_URL": "thong-bao/",
    "OFFICE_ANNOUNCEMENTS_SAVE_AS": "thong-bao/index.html",
    "OFFICE_ANNOUNCEMENTS_FEED": "thong-bao/atom.xml",
    # --- documents (Văn bản) ---
    "OFFICE_DOCUMENTS_PATH": "van-ban",
    "OFFICE_DOCUMENT_URL": "van-ban/{date:%Y}/{slug}/",
    "OFFICE_DOCUMENT_SAVE_AS": "van-ban/{date:%Y}/{slug}/index.html",
    "OFFICE_DOCUMENTS_URL": "van-ban/",
    "OFFICE_DOCUMENTS_SAVE_AS": "van-ban/index.html",
    # one page per year ("nam"), type ("loai") and issuer ("co-quan")
    "OFFICE_DOCUMENTS_FILTER_URL": "van-ban/{facet}/{slug}/",
    "OFFICE_DOCUMENTS_FILTER_SAVE_AS": "van-ban/{facet}/{slug}/index.html",
    "OFFICE_DOCUMENTS_FEED": "van-ban/atom.xml",
    # --- contacts (Liên hệ), from the registry's [ward.contact] tables ---
    "OFFICE_REGISTRY": "data/registry.toml",
    "OFFICE_CONTACTS_URL": "lien-he/",
    "OFFICE_CONTACTS_SAVE_AS": "lien-he/index.html",
    "OFFICE_CONTACT_URL": "lien-he/{slug}/",
    "OFFICE_CONTACT_SAVE_AS": "lien-he/{slug}/index.html",
}


def setting(settings: dict, name: str):
    """One OFFICE_* setting, or its default."""
    return settings.get(name, DEFAULTS[name])
