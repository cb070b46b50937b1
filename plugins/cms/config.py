"""The Decap CMS configuration, made from the registry (pure: no I/O).

Wards and topics come from ``data/registry.toml`` at build time, so a ward
added to the registry is in the form's select after the next build and the
form can produce no ward the registry lacks.
"""

from portal.registry import Registry

# Git hosts whose Decap backend has the editorial workflow (draft → review →
# ready as pull/merge requests); Gitea's backend saves straight to the branch.
WORKFLOW_BACKENDS = {"github", "gitlab", "bitbucket", "azure", "forgejo"}

# Header fields a report's file carries, in the order ``make new`` and
# ``make import`` write them (plugins/editor); admin.js writes this order.
MARKDOWN_BUTTONS = [
    "bold",
    "italic",
    "link",
    "heading-two",
    "heading-three",
    "quote",
    "bulleted-list",
    "numbered-list",
]


def options(entries, detail=lambda entry: "") -> list[dict]:
    """Select options: the registry's name as value, ``detail(entry)`` (the
    ward's unit today, say) added to the label."""
    return [
        {
            "label": f"{e.name} ({detail(e)})" if detail(e) else e.name,
            "value": e.name,
        }
        for e in entries
    ]


def _image_field(name: str, label: str, max_bytes: int, required: bool) -> dict:
    return {
        "name": name,
        "label": label,
        "widget": "image",
        "required": required,
        "choose_url": False,
        "media_library": {"max_file_size": max_bytes},
    }


def _status_field() -> dict:
    return {
        "name": "status",
        "label": "Trạng thái",
        "widget": "select",
        "required": False,
        "default": "draft",
        "options": [
            {"label": "Bản nháp (chưa đăng)", "value": "draft"},
            {"label": "Đăng", "value": "published"},
        ],
        "hint": "Bản nháp không hiện trên trang cho tới khi chọn «Đăng».",
    }


def _body_field(max_bytes: int) -> dict:
    return {
        "name": "body",
        "label": "Nội dung",
        "widget": "markdown",
        "buttons": MARKDOWN_BUTTONS,
        "editor_components": ["figure"],
        "media_library": {"max_file_size": max_bytes},
        "hint": (
            "Mỗi đoạn cách nhau một dòng trống. Chèn ảnh bằng nút «+» → "
            "«Ảnh có chú thích»."
        ),
    }


def _text(name: str, label: str, hint: str = "", widget: str = "string") -> dict:
    field = {"name": name, "label": label, "widget": widget, "required": False}
    return {**field, "hint": hint} if hint else field


def report_fields(registry: Registry, max_bytes: int) -> list[dict]:
    """A report's fields, in the order of its header."""
    return [
        {"name": "title", "label": "Tiêu đề", "widget": "string"},
        {
            "name": "date",
            "label": "Ngày đăng",
            "widget": "datetime",
            "format": "YYYY-MM-DD HH:mm",
            "default": "{{now}}",
        },
        {
            "name": "ward",
            "label": "Phường",
            "widget": "select",
            "options": options(registry.wards, lambda ward: ward.town),
        },
        {
            "name": "topics",
            "label": "Chủ đề",
            "widget": "select",
            "multiple": True,
            "min": 1,
            "options": options(registry.topics),
        },
        _text(
            "authors", "Tác giả", "Cách nhau bằng dấu phẩy; trống: tin không ký tên."
        ),
        _text(
            "summary", "Tóm tắt", "Một câu, hiện ở trang chủ và khi chia sẻ.", "text"
        ),
        _image_field("cover", "Ảnh đại diện", max_bytes, False),
        _text(
            "awards",
            "Khen thưởng",
            "Chỉ khi máy đếm sai, ví dụ: 01 tập thể, 04 cá nhân.",
        ),
        _status_field(),
        _body_field(max_bytes),
    ]


def page_fields(max_bytes: int) -> list[dict]:
    return [
        {"name": "title", "label": "Tiêu đề", "widget": "string"},
        _text("summary", "Tóm tắt", widget="text"),
        _status_field(),
        _body_field(max_bytes),
    ]


def cms_config(registry: Registry, settings: dict) -> dict:
    """The ``config.yml`` Decap reads, from the registry and CMS_* settings."""
    content = settings["CMS_CONTENT_DIR"].strip("/")
    max_bytes = int(settings["CMS_MAX_UPLOAD_MB"] * 1024 * 1024)
    # The year of the report's date. Decap reads it in UTC (stringTemplate's
    # dateParsers): a report dated 1 January before 07:00 goes in the
    # previous year's folder; its address comes from Date all the same.
    # ({{fields.date | date('YYYY')}} would be local, but Decap lower-cases
    # a path template before it reads it.)
    year = "{{year}}"
    backend = dict(settings["CMS_BACKEND"])
    config = {"backend": backend, "locale": "vi"}
    local = settings["CMS_LOCAL_BACKEND"]
    if local:
        config["local_backend"] = {"url": local} if isinstance(local, str) else True
    if settings["CMS_EDITORIAL_WORKFLOW"] and backend.get("name") in WORKFLOW_BACKENDS:
        config["publish_mode"] = "editorial_workflow"
    reports = {
        "name": "tin-tuc",
        "label": "Bản tin",
        "label_singular": "bản tin",
        "folder": f"{content}/tin-tuc",
        "path": f"{year}/{{{{slug}}}}",
        "slug": "{{slug}}",
        "create": True,
        "format": "pelican",
        "extension": "md",
        "media_folder": f"/{content}/images/{year}",
        "public_folder": f"images/{year}",
        "summary": "{{title}} — {{ward}} ({{fields.date | date('DD/MM/YYYY')}})",
        "sortable_fields": ["date", "title", "ward"],
        "view_filters": [{"label": "Bản nháp", "field": "status", "pattern": "draft"}],
        "fields": report_fields(registry, max_bytes),
    }
    pages = {
        "name": "trang",
        "label": "Trang",
        "label_singular": "trang",
        "folder": f"{content}/pages",
        "slug": "{{slug}}",
        "create": True,
        "format": "pelican",
        "extension": "md",
        "fields": page_fields(max_bytes),
    }
    return {
        **config,
        "media_folder": f"{content}/images",
        "public_folder": "images",
        "slug": {
            "encoding": "ascii",
            "clean_accents": True,
            "sanitize_replacement": "-",
        },
        "collections": [reports, pages],
    }
