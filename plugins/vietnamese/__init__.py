"""Vietnamese text and dates for templates: NFC, name keys, slugs, Babel dates."""

from pelican import signals

from . import dates
from .text import capitalize_first

FILTERS = {
    "vn_date": dates.long_date,
    "vn_short_date": dates.short_date,
    "vn_month_year": dates.month_year,
    "vn_datetime": dates.long_datetime,
    "iso_date": dates.iso,
    "capitalize_first": capitalize_first,
}


def add_filters(generator):
    """Give every generator's Jinja environment the Vietnamese date filters."""
    generator.env.filters.update(FILTERS)


def register():
    # generator_init fires once per generator, after its Jinja env exists and
    # before any template is rendered.
    signals.generator_init.connect(add_filters)
