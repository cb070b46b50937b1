"""Decap CMS at /admin/: ward staff write reports from a browser.

The CMS is a pinned npm package (cms/package.json, installed by the Makefile
as the virtualenv is); each build copies its script into ``output/admin/``
with our own admin.js (the Pelican header format, the figure component, the
upload guard) and writes ``config.yml`` from the registry, so the form offers
exactly the registry's wards and topics.
"""

import json
import logging
from pathlib import Path

import yaml
from pelican import signals
from portal.registry import Registry, RegistryError, load_registry

from .config import cms_config

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

DEFAULTS = {
    # Folder of the admin inside the output: the CMS is served at /admin/.
    "CMS_SAVE_AS": "admin",
    # Where `npm ci` installed decap-cms (Makefile: cms/node_modules).
    "CMS_PACKAGES": str(REPO / "cms" / "node_modules"),
    # The content folder as a path inside the Git repository.
    "CMS_CONTENT_DIR": "content",
    # Registry file inside the content folder (wards and topics of the form).
    "CMS_REGISTRY": "data/registry.toml",
    # Decap's `backend` (docs/cms.md: GitHub, GitLab, Gitea); an example repo.
    "CMS_BACKEND": {"name": "github", "repo": "vi-du/tin-phuong", "branch": "main"},
    # decap-server on this machine (used only when /admin/ is on localhost):
    # True for its default address, a URL for another port, None for never.
    "CMS_LOCAL_BACKEND": True,
    # Draft → review → ready, on the backends that have it.
    "CMS_EDITORIAL_WORKFLOW": True,
    # Largest photo an editor may upload, in MB.
    "CMS_MAX_UPLOAD_MB": 20,
}


def cms_settings(settings: dict) -> dict | None:
    """CMS_* settings over DEFAULTS; None (and why, logged) when unusable."""
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    backend, size = merged["CMS_BACKEND"], merged["CMS_MAX_UPLOAD_MB"]
    if not isinstance(backend, dict) or not backend.get("name"):
        log.error(
            "CMS_BACKEND: cần dạng {'name': 'github', 'repo': ..., 'branch': ...} "
            "(docs/cms.md); /admin/ chưa được tạo"
        )
        return None
    if isinstance(size, bool) or not isinstance(size, int | float) or size <= 0:
        log.error("CMS_MAX_UPLOAD_MB: cần một số MB lớn hơn 0, ví dụ 20")
        return None
    return merged


def read_registry(path: Path) -> Registry | None:
    """The portal's registry, or None when it cannot be read (the portal
    plugin reports why, with the fix)."""
    try:
        return load_registry(path)
    except RegistryError:
        log.warning("CMS: danh mục %s có lỗi: /admin/ chưa được tạo", path)
        return None


def admin_files(dist: Path, css: Path, registry: Registry, settings: dict) -> dict:
    """Each file of /admin/ (name -> bytes): Decap's script, the chunks it
    loads from its own folder and its licences, our scripts, the site's CSS
    for the preview, the page and the configuration."""
    files = {
        script.name: script.read_bytes()
        for script in sorted((dist / "dist").iterdir())
        if script.name.endswith(("decap-cms.js", ".wasm", "decap-cms.js.LICENSE.txt"))
    }
    for name in ("admin.js", "vi.js"):
        files[name] = (HERE / "static" / name).read_bytes()
    files["preview.css"] = css.read_bytes()
    package = json.loads((dist / "package.json").read_text(encoding="utf-8"))
    version = package["version"]
    # The npm package ships no LICENSE file; its licence is in package.json.
    files["decap-cms.LICENSE"] = (
        f"decap-cms {version} (npm), licence: {package['license']}\n"
        f"{package.get('homepage', 'https://decapcms.org')}\n"
        "Licences of the libraries bundled in decap-cms.js: "
        "decap-cms.js.LICENSE.txt\n"
    ).encode()
    page = (HERE / "static" / "index.html").read_text(encoding="utf-8")
    max_bytes = str(int(settings["CMS_MAX_UPLOAD_MB"] * 1024 * 1024))
    page = page.replace("{version}", version).replace("{max_bytes}", max_bytes)
    files["index.html"] = page.encode()
    files["config.yml"] = (
        "# Viết lại mỗi lần dựng trang (plugins/cms) từ danh mục: đừng sửa tay.\n"
        + yaml.safe_dump(
            cms_config(registry, settings), allow_unicode=True, sort_keys=False
        )
    ).encode()
    return files


def write_if_changed(path: Path, data: bytes) -> None:
    """An unchanged file is left alone: a rebuild rewrites only what changed."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except FileNotFoundError:
        pass
    path.write_bytes(data)


def write_admin(pelican) -> None:
    """Write /admin/ into the output, its configuration from the registry."""
    settings = cms_settings(pelican.settings)
    if settings is None:
        return
    dist = Path(settings["CMS_PACKAGES"]) / "decap-cms"
    if not (dist / "dist" / "decap-cms.js").is_file():
        log.warning(
            "CMS: chưa cài decap-cms (%s): `make html` cài nó; /admin/ chưa được tạo",
            dist,
        )
        return
    registry = read_registry(Path(pelican.settings["PATH"]) / settings["CMS_REGISTRY"])
    if registry is None:
        return
    css = Path(pelican.settings["THEME"]) / "static" / "css" / "site.css"
    admin = Path(pelican.output_path) / settings["CMS_SAVE_AS"]
    admin.mkdir(parents=True, exist_ok=True)
    for name, data in admin_files(dist, css, registry, settings).items():
        write_if_changed(admin / name, data)


def register():
    # finalized: after every page is written, so the admin folder is added
    # to a complete output (a publish writes it into the new release too).
    signals.finalized.connect(write_admin)
