"""Vietnamese dates through Babel, independent of the machine's locale.

Pelican's ``strftime`` depends on the OS locale, which a fresh machine or a CI
runner rarely has for Vietnamese; Babel carries the CLDR data itself.
"""

import functools
from datetime import date, datetime

from babel.dates import format_date, format_datetime

LOCALE = "vi"


# Listing pages show thousands of dates, few of them distinct; Babel takes
# ~25 µs a call, so each distinct day is formatted once.
@functools.lru_cache(maxsize=8192)
def _format_day(year: int, month: int, day: int, pattern: str) -> str:
    return format_date(date(year, month, day), pattern, locale=LOCALE)


def long_date(value: date) -> str:
    """ "Thứ Tư, 10/01/2024": weekday and day, as Vietnamese news sites show it."""
    return _format_day(value.year, value.month, value.day, "EEEE, dd/MM/yyyy")


def short_date(value: date) -> str:
    """ "10/01/2024"."""
    return _format_day(value.year, value.month, value.day, "dd/MM/yyyy")


def month_year(value: date) -> str:
    """ "Tháng 1 năm 2024", a heading for a month in an archive."""
    return f"Tháng {value.month} năm {value.year}"


def iso(value: datetime) -> str:
    """ISO 8601 with the UTC offset ("2024-01-10T14:00:00+07:00")."""
    return value.isoformat()


def long_datetime(value: datetime) -> str:
    """ "14:00 Thứ Tư, 10/01/2024"."""
    return format_datetime(value, "HH:mm EEEE, dd/MM/yyyy", locale=LOCALE)
