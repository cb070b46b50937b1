"""sitemap.xml and robots.txt (pure): dates from the content, stable order."""

from xml.sax.saxutils import escape


def sitemap(entries: list[tuple[str, str]]) -> str:
    """``entries``: (absolute URL, ISO date or "") pairs; sorted by URL."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for url, lastmod in sorted(set(entries)):
        mod = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(url)}</loc>{mod}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots(site_url: str) -> str:
    # /admin/ is the CMS (plugins/cms): for editors, not for search engines.
    return (
        f"User-agent: *\nAllow: /\nDisallow: /admin/\n\n"
        f"Sitemap: {site_url}/sitemap.xml\n"
    )
