"""Settings for published builds: absolute URLs, feeds, strict content checks.

``SITEURL=https://tin.example.vn make publish`` sets the site's address.
"""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: F403

# The site's address, from the environment, or written here once in place of
# "" (docs/deploy.md).  deploy/publish.py refuses to publish without one.
SITEURL = os.environ.get("SITEURL", "").rstrip("/")
RELATIVE_URLS = False

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"

# Content problems are errors: the build stops before writing anything.
PORTAL_STRICT = True
SEARCH_STRICT = True
DELETE_OUTPUT_DIRECTORY = True
