"""Wards through time: parent units over dates, creations, renamings, mergers.

A registry ward may carry its history (``content/data/registry.toml``):
the units it belonged to and over which dates (``[[ward.parent]]``), when it
was created or ceased to exist, the change (``sáp nhập``/``đổi tên``), its
successors and the legal basis of each change.  Everything here is a pure
function of plain data (TOML dicts, dates, objects with ``name`` and
``history``), so the build and ``make check`` share the same rules and the
rules are tested without Pelican.

Dates: ``from`` and ``until`` are the first and last day of a period;
``created`` is the first day a ward exists and ``ended`` the first day it no
longer does (the day the resolution takes effect).
"""

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from vietnamese.dates import short_date
from vietnamese.text import name_key, nfc

CHANGES = ("sáp nhập", "đổi tên", "giải thể")


@dataclass(frozen=True)
class Basis:
    """The legal basis of a change: a resolution's number, optionally the day
    it was signed and where it was read; it takes effect on the change's date."""

    number: str
    signed: date | None = None
    source: str = ""

    def __str__(self):
        text = f"Nghị quyết {self.number}"
        return f"{text} ngày {short_date(self.signed)}" if self.signed else text


@dataclass(frozen=True)
class Period:
    """The ward belonged to ``parent`` from ``start`` to ``end`` (both days
    included; None: open)."""

    parent: str
    start: date | None = None
    end: date | None = None
    basis: Basis | None = None

    def holds(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (
            self.end is None or day <= self.end
        )


@dataclass(frozen=True)
class History:
    periods: tuple[Period, ...] = ()
    created: date | None = None
    created_basis: Basis | None = None
    ended: date | None = None
    change: str = ""  # one of CHANGES, when ended
    successors: tuple[str, ...] = ()  # registry names
    ended_basis: Basis | None = None

    def exists_on(self, day: date) -> bool:
        return (self.created is None or self.created <= day) and (
            self.ended is None or day < self.ended
        )

    @property
    def timeline(self) -> tuple[Period, ...]:
        """The periods with a unit, oldest first (``periods`` keep the
        file's order, so problems name the right table)."""
        named = [p for p in self.periods if p.parent]
        return tuple(sorted(named, key=lambda p: p.start or date.min))

    def parent_on(self, day: date) -> str | None:
        """The unit the ward belonged to on ``day``, None if not recorded."""
        for period in self.timeline:
            if period.holds(day):
                return period.parent
        return None

    @property
    def last_parent(self) -> str | None:
        timeline = self.timeline
        return timeline[-1].parent if timeline else None


NO_HISTORY = History()


@dataclass(frozen=True)
class Issue:
    """Something wrong in the registry's history: where, what and the fix."""

    ward: int  # index of the [[ward]] table, from 0
    key: str  # "ended", "parent", ...
    message: str
    fix: str
    parent: int | None = None  # index of the [[ward.parent]] table, from 0


# --- parsing -------------------------------------------------------------


def _day(value, key: str, issues: list, **where) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    issues.append(
        dict(
            key=key,
            message=f"'{key}' không phải ngày ({value!r})",
            fix=f"viết ngày dạng YYYY-MM-DD, ví dụ {key} = 2025-07-01",
            **where,
        )
    )
    return None


def _basis(value, key: str, issues: list, **where) -> Basis | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip():
        return Basis(nfc(value.strip()))
    if isinstance(value, dict) and str(value.get("number", "")).strip():
        signed = _day(value.get("signed"), f"{key}.signed", issues, **where)
        return Basis(
            nfc(str(value["number"]).strip()),
            signed,
            str(value.get("source", "")).strip(),
        )
    issues.append(
        dict(
            key=key,
            message=f"'{key}' thiếu số nghị quyết",
            fix=f'viết {key} = {{ number = "1243/NQ-UBTVQH15" }}',
            **where,
        )
    )
    return None


def parse_history(entry: dict, town: str = "") -> tuple[History, list[dict]]:
    """The :class:`History` of one ``[[ward]]`` table, and what is malformed
    (dicts of :class:`Issue` fields but the ward index).  Never raises: a bad
    value is left out and reported."""
    issues: list[dict] = []
    periods = []
    raw_periods = entry.get("parent", [])
    if not isinstance(raw_periods, list):
        raw_periods = []
        issues.append(
            dict(
                key="parent",
                message="'parent' phải là các bảng [[ward.parent]]",
                fix="viết mỗi giai đoạn thành một bảng [[ward.parent]]",
            )
        )
    for n, raw in enumerate(raw_periods):
        if not isinstance(raw, dict):
            raw = {}
        if not str(raw.get("name", "")).strip():
            issues.append(
                dict(
                    key="parent",
                    parent=n,
                    message="giai đoạn thiếu tên đơn vị ('name')",
                    fix='thêm name = "thị xã ..." vào bảng [[ward.parent]]',
                )
            )
        periods.append(
            Period(
                parent=nfc(str(raw["name"]).strip()),
                start=_day(raw.get("from"), "from", issues, parent=n),
                end=_day(raw.get("until"), "until", issues, parent=n),
                basis=_basis(raw.get("basis"), "basis", issues, parent=n),
            )
        )
    if not periods and town:
        periods.append(Period(parent=town))
    successors = entry.get("successors", [])
    if isinstance(successors, str):
        successors = [successors]
    if not isinstance(successors, list):
        successors = []
        issues.append(
            dict(
                key="successors",
                message="'successors' phải là danh sách tên phường",
                fix='viết successors = ["<tên phường>"]',
            )
        )
    change = nfc(str(entry.get("change", "")).strip())
    if change and change not in CHANGES:
        issues.append(
            dict(
                key="change",
                message=f"'change' không hợp lệ ('{change}')",
                fix="dùng một trong: " + ", ".join(f'"{c}"' for c in CHANGES),
            )
        )
    history = History(
        periods=tuple(periods),
        created=_day(entry.get("created"), "created", issues),
        created_basis=_basis(entry.get("created_basis"), "created_basis", issues),
        ended=_day(entry.get("ended"), "ended", issues),
        change=change,
        successors=tuple(nfc(str(s).strip()) for s in successors if str(s).strip()),
        ended_basis=_basis(entry.get("ended_basis"), "ended_basis", issues),
    )
    return history, issues


# --- rules ---------------------------------------------------------------


def overlaps(periods) -> list[tuple[int, int]]:
    """Pairs of indexes of periods (in the order given) whose dates overlap."""
    found = []
    for i, a in enumerate(periods):
        for j in range(i + 1, len(periods)):
            b = periods[j]
            if (a.start is None or b.end is None or a.start <= b.end) and (
                b.start is None or a.end is None or b.start <= a.end
            ):
                found.append((i, j))
    return found


def current_units(name: str, successors_of: Callable[[str], tuple]) -> list[str]:
    """The units that exist today where ``name`` was: its successors'
    successors, and so on, in order, each once; ``[name]`` when it has none.
    ``successors_of(name)`` gives a unit's direct successors (names)."""
    result, seen, todo = [], {name_key(name)}, [name]
    while todo:
        unit = todo.pop(0)
        following = [s for s in successors_of(unit) if name_key(s) not in seen]
        if not successors_of(unit):
            result.append(unit)
        for s in following:
            seen.add(name_key(s))
            todo.append(s)
    return result or [name]


def predecessors(name: str, successors_of: Callable[[str], tuple], names) -> list:
    """Every unit among ``names`` whose successor chain passes through
    ``name`` (direct predecessors first), each once."""
    direct = {}
    for other in names:
        for s in successors_of(other):
            direct.setdefault(name_key(s), []).append(other)
    result, seen, todo = [], {name_key(name)}, [name]
    while todo:
        for before in direct.get(name_key(todo.pop(0)), []):
            if name_key(before) not in seen:
                seen.add(name_key(before))
                result.append(before)
                todo.append(before)
    return result


def date_problem(ward, day: date, lookup: Callable[[str], object]):
    """(message, fix) when a report dated ``day`` names ``ward`` on a day it
    did not exist, else None.  ``lookup(name)`` finds a registry ward."""
    history = ward.history
    if history.exists_on(day):
        return None
    if history.ended is not None and day >= history.ended:
        names = [
            getattr(lookup(s), "full_name", None) or s
            for s in current_units(ward.name, _successors_via(lookup))
            if name_key(s) != name_key(ward.name)
        ]
        message = f"{ward.full_name} không còn từ {short_date(history.ended)}"
        if names:
            return (
                f"{message} — có phải ý bạn là {' hoặc '.join(names)}?",
                f"sửa dòng Ward thành '{lookup(names[0]) or names[0]}' "
                "hoặc kiểm tra lại ngày",
            )
        return message, "kiểm tra lại ngày hoặc dòng Ward"
    return (
        f"{ward.full_name} thành lập từ {short_date(history.created)}, "
        f"sau ngày của bài ({short_date(day)})",
        "ghi phường trước đó vào dòng Ward hoặc kiểm tra lại ngày",
    )


def _successors_via(lookup):
    def successors_of(name):
        ward = lookup(name)
        return ward.history.successors if ward is not None else ()

    return successors_of


@dataclass(frozen=True)
class Since:
    """What a report's ward has become since the report: from ``day``, the
    ward belongs to (or became) ``units``; ``kind`` says which change."""

    day: date
    kind: str  # "parent", or one of CHANGES
    units: tuple = field(default=())  # registry wards, or parent names (str)
    # where a chain of changes leads today, when not ``units`` themselves
    now: tuple = field(default=())


def changed_since(ward, day: date, lookup: Callable[[str], object]) -> Since | None:
    """How ``ward`` has changed since ``day``: its current successors when it
    has ceased to exist, else its parent unit when that has changed."""
    history = ward.history
    if history.ended is not None and day < history.ended:
        direct = [lookup(s) or s for s in history.successors]
        now = [
            lookup(s) or s
            for s in current_units(ward.name, _successors_via(lookup))
            if name_key(s) != name_key(ward.name)
        ]
        return Since(
            history.ended,
            history.change or "sáp nhập",
            tuple(direct),
            tuple(now) if now != direct else (),
        )
    then, timeline = history.parent_on(day), history.timeline
    last = timeline[-1] if timeline else None
    if then and last and last.parent != then and last.start is not None:
        return Since(last.start, "parent", (last.parent,))
    return None


# --- the registry file: every rule, with its line ------------------------


def _changes(history: History):
    """(key, parent index, basis) of every change the history records."""
    if history.created is not None:
        yield "created", None, history.created_basis
    if history.ended is not None:
        yield "ended", None, history.ended_basis
    first = min((p.start or date.min for p in history.periods), default=None)
    for n, period in enumerate(history.periods):
        if period.start is not None and period.start != first:
            yield "parent", n, period.basis


def issues(data: dict) -> list[Issue]:
    """Every problem in the history of the registry's wards (parsed TOML):
    malformed values, overlapping periods, a period ending before it
    starts, a change without its legal basis, an unknown or circular
    successor, a merger or renaming without a successor."""
    entries = [e for e in data.get("ward", []) if isinstance(e, dict)]
    found: list[Issue] = []
    histories = []
    for i, entry in enumerate(entries):
        history, raw = parse_history(entry, str(entry.get("town", "")))
        histories.append(history)
        found += [Issue(ward=i, **r) for r in raw]
    keys = {}
    for i, entry in enumerate(entries):
        for k in ("name", "full_name"):
            if isinstance(entry.get(k), str) and entry[k].strip():
                keys.setdefault(name_key(entry[k]), i)
    for i, (entry, history) in enumerate(zip(entries, histories, strict=True)):
        name = str(entry.get("name", f"thứ {i + 1}"))
        found += _order_issues(i, name, history)
        for key, n, basis in _changes(history):
            if basis is None:
                basis_key = "basis" if key == "parent" else f"{key}_basis"
                found.append(
                    Issue(
                        i,
                        key,
                        f"thay đổi của phường {name} chưa có căn cứ pháp lý "
                        f"('{basis_key}')",
                        f'thêm {basis_key} = {{ number = "<số nghị quyết>" }} '
                        "(ghi nguồn trong chú thích) — nếu chưa xác minh được, "
                        "bỏ thay đổi này",
                        n,
                    )
                )
        if history.ended is not None and history.change != "giải thể":
            if not history.successors:
                found.append(
                    Issue(
                        i,
                        "ended",
                        f"phường {name} thôi tồn tại nhưng chưa ghi đơn vị kế thừa",
                        'thêm successors = ["<tên phường mới>"]',
                    )
                )
        for s in history.successors:
            if name_key(s) not in keys:
                found.append(
                    Issue(
                        i,
                        "successors",
                        f"đơn vị kế thừa '{s}' không có trong danh mục",
                        "thêm một mục [[ward]] cho đơn vị này hoặc sửa tên",
                    )
                )
        if history.successors and history.ended is None:
            found.append(
                Issue(
                    i,
                    "successors",
                    f"phường {name} có đơn vị kế thừa nhưng thiếu ngày 'ended'",
                    "thêm ended = <ngày nghị quyết có hiệu lực>",
                )
            )

    def successors_of(n):
        j = keys.get(name_key(n))
        return histories[j].successors if j is not None else ()

    for i, entry in enumerate(entries):
        name = str(entry.get("name", ""))
        if name and _leads_back(name, successors_of):
            found.append(
                Issue(
                    i,
                    "successors",
                    f"chuỗi kế thừa của phường {name} quay vòng về chính nó",
                    "sửa 'successors' để không vòng lại",
                )
            )
    return found


def _leads_back(name: str, successors_of) -> bool:
    """Whether following successors from ``name`` comes back to it."""
    seen, todo = set(), list(successors_of(name))
    while todo:
        unit = name_key(todo.pop())
        if unit == name_key(name):
            return True
        if unit not in seen:
            seen.add(unit)
            todo += successors_of(unit)
    return False


def _order_issues(i: int, name: str, history: History) -> list[Issue]:
    found = []
    ordered = history.periods  # the file's order: messages name the right table
    for n, period in enumerate(ordered):
        if period.start and period.end and period.end < period.start:
            found.append(
                Issue(
                    i,
                    "until",
                    f"giai đoạn thuộc {period.parent} kết thúc trước khi bắt đầu",
                    "sửa 'from' hoặc 'until'",
                    n,
                )
            )
    for a, b in overlaps(ordered):
        found.append(
            Issue(
                i,
                "from",
                f"phường {name}: giai đoạn thuộc {ordered[b].parent} trùng thời "
                f"gian với giai đoạn thuộc {ordered[a].parent}",
                "sửa 'until' của giai đoạn trước thành ngày trước 'from' "
                "của giai đoạn sau",
                b,
            )
        )
    if history.created and history.ended and history.ended <= history.created:
        found.append(
            Issue(
                i,
                "ended",
                f"phường {name} thôi tồn tại trước khi được thành lập",
                "sửa 'created' hoặc 'ended'",
            )
        )
    return found


_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z_.]+)\s*\]\]")
_TABLE = re.compile(r"^\s*\[")
_KEY = re.compile(r"^\s*([A-Za-z_]+)\s*=")


def locate(text: str) -> dict:
    """Line numbers in the registry file: ``(ward, parent, key)`` -> line,
    ``(ward, parent, "")`` for a table's own header (parent None: the
    ``[[ward]]`` table itself)."""
    lines, ward, parent, inside = {}, -1, None, False
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            kind = header[1]
            inside = kind in ("ward", "ward.parent")
            if kind == "ward":
                ward, parent = ward + 1, None
            elif kind == "ward.parent" and ward >= 0:
                parent = 0 if parent is None else parent + 1
            if inside:
                lines.setdefault((ward, parent, ""), number)
            continue
        if _TABLE.match(line):
            inside = False
            continue
        key = _KEY.match(line)
        if inside and key:
            lines.setdefault((ward, parent, key[1]), number)
    return lines


def line_of(lines: dict, issue: Issue) -> int:
    for where in (
        (issue.ward, issue.parent, issue.key.split(".")[0]),
        (issue.ward, issue.parent, ""),
        (issue.ward, None, issue.key.split(".")[0]),
        (issue.ward, None, ""),
    ):
        if where in lines:
            return lines[where]
    return 1


def file_issues(path) -> list[tuple[int, str, str, str]]:
    """(line, field, message, fix) of every history problem in the registry
    file at ``path``; [] when the file cannot be read (the registry loader
    reports that)."""
    try:
        text = open(path, encoding="utf-8").read()
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    lines = locate(text)
    return sorted((line_of(lines, i), i.key, i.message, i.fix) for i in issues(data))
