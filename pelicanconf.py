"""Pelican settings for the ward news portal (development builds).

publishconf.py imports everything from here and changes only what a
published site needs.  Paths are relative to this file's folder, so
``make html INPUTDIR=/other/content`` builds another office's content with
its own registry (``data/registry.toml`` inside that folder).
"""

import logging
from pathlib import Path

HERE = Path(__file__).resolve().parent

# No AUTHOR setting at all: Pelican gives every article without "Authors" that
# default author, and a report without a byline must have none.
PUBLISHER = "Ban biên tập Tin phường"
SITENAME = "Tin phường"
SITESUBTITLE = "Tin tức hoạt động của các phường"
SITEURL = ""
PATH = "content"
THEME = str(HERE / "theme")

TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
DEFAULT_DATE_FORMAT = "%d/%m/%Y"

PLUGIN_PATHS = [str(HERE / "plugins")]
# Listed explicitly: never rely on auto-discovery.  The order matters in one
# way only: Pelican imports plugins in this order, so the two shared helper
# packages other plugins import (vietnamese, portal) come first.  Otherwise a
# plugin that needs another's work connects to a later signal.
PLUGINS = [
    "vietnamese",
    "portal",
    "safe_markdown",
    "search",
    "photos",
    "taxonomy",
    "awards",
    "seo",
    "office",
    # Decap CMS at /admin/, its config.yml made from the registry (docs/cms.md).
    "cms",
    # Build speed, all of it: a cold build reads on every core (it fills
    # Pelican's content cache, CACHE_CONTENT below; the same site without).
    "parallel_read",
]

# Dev builds warn about content problems and go on; publishconf.py makes
# them errors that stop the build.
PORTAL_STRICT = False
PORTAL_REGISTRY = "data/registry.toml"

# --- Content layout -------------------------------------------------------
ARTICLE_PATHS = ["tin-tuc"]
PAGE_PATHS = ["pages"]
# Photos under images/ are published only as renditions made by the photos
# plugin (resized, EXIF and GPS stripped), never as the original files.
STATIC_PATHS = ["extra"]
EXTRA_PATH_METADATA = {
    "extra/favicon.svg": {"path": "favicon.svg"},
}
IGNORE_FILES = [".#*", "*~", "*.swp", "__pycache__"]

# Metadata is text, never HTML: Summary is not rendered as Markdown.
FORMATTED_FIELDS = []
SUMMARY_MAX_PARAGRAPHS = 1
SUMMARY_MAX_LENGTH = 60

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.smarty": {"smart_quotes": False},
    },
    "output_format": "html5",
}

# --- URLs: pretty, ASCII --------------------------------------------------
ARTICLE_URL = "tin-tuc/{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
DRAFT_URL = "ban-nhap/{slug}/"
DRAFT_SAVE_AS = DRAFT_URL + "index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
AUTHOR_URL = "tac-gia/{slug}/"
AUTHOR_SAVE_AS = AUTHOR_URL + "index.html"
AUTHORS_SAVE_AS = ""
# Wards, years and topics replace Pelican's categories, tags and archives.
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "search"]
SEARCH_URL = "tim-kiem/"
SEARCH_SAVE_AS = "tim-kiem/index.html"
# Search (plugins/search): Pagefind's index, one bundle per year, each kept
# in cache/search/ and indexed again only when its reports change.
SEARCH_INDEX = True
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None

DEFAULT_PAGINATION = 12
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/trang/{number}/", "{base_name}/trang/{number}/index.html"),
)

# Feeds are written by publish builds only.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
# Ward and topic feeds (plugins/taxonomy) are written in every build; feeds
# carry the latest reports only, which is what feed readers poll for.
FEED_MAX_ITEMS = 20

RELATIVE_URLS = True
# Pelican's content cache (docs/performance.md): each report as the reader
# gave it (sanitized NFC HTML, metadata) is kept in cache/ and read again
# only when its file changed.  md5, not mtime: a fresh clone (a deploy
# that restores cache/) changes every file's time, not its text.  After
# changing MARKDOWN or the sanitizer's allowlist, build once with
# PELICANOPTS=--ignore-cache.  Uncompressed: gzip cost 0.22 s of CPU a
# save at 2,000 reports (every build saves), for 10 MB less on disk.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CHECK_MODIFIED_METHOD = "md5"
GZIP_CACHE = False

JINJA_ENVIRONMENT = {
    "autoescape": True,
    # Pelican makes a new environment for every build, dev server included,
    # so re-checking each template file on every include only costs time.
    "auto_reload": False,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
}

# Docutils has no Vietnamese localisation and says so for every .rst file;
# the portal has none, but the harmless warning is filtered all the same.
LOG_FILTER = [
    (logging.WARNING, "Docutils has no localization for '%s'. Using 'en' instead."),
]

MENUITEMS = []
DISPLAY_PAGES_ON_MENU = True
DISPLAY_CATEGORIES_ON_MENU = False

# --- The office: header, footer, contacts (plugins/office) ------------------
# EXAMPLE VALUES, marked "(ví dụ)": replace them with the office's own, or
# leave a field "" and the footer leaves it out.  Never publish made-up ones.
OFFICE_PORTAL_NAME = "CỔNG THÔNG TIN ĐIỆN TỬ CÁC PHƯỜNG (VÍ DỤ)"
OFFICE_LOGO = "theme/img/logo.svg"  # a neutral placeholder, not an emblem
OFFICE_LOGO_SIZE = (48, 48)
OFFICE_AGENCY = "Ủy ban nhân dân phường (ví dụ)"
OFFICE_RESPONSIBLE = "Họ và tên, chức vụ (ví dụ)"
OFFICE_ADDRESS = "Số nhà, đường, phường, tỉnh (ví dụ)"
OFFICE_PHONE = ""
OFFICE_EMAIL = "lienhe@example.vn"
OFFICE_LICENCE = ""
