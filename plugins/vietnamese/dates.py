"""Vietnamese dates through Babel, independent of the machine's locale.

Pelican's ``strftime`` depends on the OS locale, which a fresh machine or a CI
runner rarely has for Vietnamese; Babel carries the CLDR data itself.
"""

from datetime import date, datetime

from babel.dates import format_date, format_datetime

LOCALE = "vi"


def long_date(value: date) -> str:
    """ "Thứ Tư, 10/01/2024": weekday and day, as Vietnamese news sites show it."""
    return format_date(value, "EEEE, dd/MM/yyyy", locale=LOCALE)


def short_date(value: date) -> str:
    """ "10/01/2024"."""
    return format_date(value, "dd/MM/yyyy", locale=LOCALE)


def month_year(value: date) -> str:
    """ "Tháng 1 năm 2024", a heading for a month in an archive."""
    return f"Tháng {value.month} năm {value.year}"


def iso(value: datetime) -> str:
    """ISO 8601 with the UTC offset ("2024-01-10T14:00:00+07:00")."""
    return value.isoformat()


def long_datetime(value: datetime) -> str:
    """ "14:00 Thứ Tư, 10/01/2024"."""
    return format_datetime(value, "HH:mm EEEE, dd/MM/yyyy", locale=LOCALE)
