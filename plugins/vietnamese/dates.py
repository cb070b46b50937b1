"""Vietnamese dates through Babel, independent of the machine's locale.

Pelican's ``strftime`` depends on the OS locale, which a fresh machine or a CI
runner rarely has for Vietnamese; Babel carries the CLDR data itself.
"""

import functools
import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

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


# --- Reading dates as editors write them -----------------------------------

_DAY_FIRST = r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
_YEAR_FIRST = r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
_TIME = r"(?:[ T]+(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
_OFFSET = r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?"
_FORMS = [re.compile(day + _TIME + _OFFSET) for day in (_YEAR_FIRST, _DAY_FIRST)]

DATE_FORMS_HINT = (
    "viết YYYY-MM-DD hoặc DD/MM/YYYY, có thể thêm giờ, "
    "ví dụ 'Date: 2024-03-05' hoặc 'Date: 05/03/2024 08:30'"
)


class DateError(ValueError):
    """A date an editor wrote that is not a date; ``fix`` says what to do."""

    def __init__(self, message: str, fix: str):
        super().__init__(f"{message} — {fix}")
        self.message, self.fix = message, fix


def parse_date(value: str) -> datetime:
    """The moment an editor's ``Date:`` names, as Vietnamese write it.

    ``YYYY-MM-DD`` and ``DD/MM/YYYY`` (day first, always), each with an
    optional time (``08:30``, ``08:30:15``, ``8h30``) and UTC offset
    (``+07:00``, ``Z``).  Naive without an offset: the site's time zone is
    the build's to apply.  Raises :class:`DateError`, worded for editors,
    telling a malformed date from a day that does not exist.
    """
    text = " ".join(str(value).split())
    m = next((m for form in _FORMS if (m := form.fullmatch(text))), None)
    if m is None:
        raise DateError(f"ngày '{text}' không đúng dạng", DATE_FORMS_HINT)
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    try:
        day = date(y, mo, d)
    except ValueError:
        raise DateError(
            f"ngày {d:02d}/{mo:02d}/{y} không có",
            "kiểm tra lại ngày và tháng (tháng 2 có 28 hoặc 29 ngày; "
            "tháng 4, 6, 9, 11 có 30 ngày)",
        ) from None
    hour, minute, second = int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise DateError(
            f"giờ {m['H']}:{m['M']} không có", "viết giờ từ 00:00 đến 23:59"
        )
    tzinfo = None
    if m["tz"]:
        tzinfo = UTC
        if m["tz"] != "Z":
            sign = -1 if m["tz"][0] == "-" else 1
            hh, mm = int(m["tz"][1:3]), int(m["tz"][-2:])
            if hh > 14 or mm > 59:
                raise DateError(
                    f"múi giờ '{m['tz']}' không có", "bỏ phần múi giờ hoặc viết +07:00"
                )
            tzinfo = timezone(sign * timedelta(hours=hh, minutes=mm))
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tzinfo)


def local_day(moment: datetime, tz: tzinfo) -> date:
    """The calendar day ``moment`` falls on in ``tz``; a naive moment is
    already the site's time."""
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(tz).date()
