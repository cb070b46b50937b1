"""Resolve an article's Ward and Topics against the registry."""

from datetime import date

from .history import Since, changed_since, date_problem
from .problems import Problem
from .registry import Registry, Topic, Ward

REGISTRY_HINT = "hoặc thêm vào content/data/registry.toml"


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [v.strip() for v in value if str(v).strip()]


def _did_you_mean(suggestions: list[str]) -> str:
    if not suggestions:
        return ""
    return "có phải ý bạn là: " + ", ".join(suggestions) + "? "


def resolve(
    path: str, metadata: dict, registry: Registry
) -> tuple[Ward | None, list[Topic], list[Problem]]:
    """The registry's ward and topics named in ``metadata``, and what is wrong.

    Spelling variants resolve to the registry's entry; unknown names give a
    problem with the closest registry names.  Duplicate topics count once.
    """
    problems = []
    ward = None
    raw_ward = metadata.get("ward")
    if isinstance(raw_ward, list):  # two Ward lines: the first (make check says)
        raw_ward = raw_ward[0] if raw_ward else None
    if not raw_ward or not str(raw_ward).strip():
        problems.append(
            Problem(path, "Ward", "thiếu tên phường", "thêm dòng 'Ward: <tên phường>'")
        )
    else:
        ward = registry.ward(str(raw_ward))
        if ward is None:
            problems.append(
                Problem(
                    path,
                    "Ward",
                    f"không có phường '{raw_ward}' trong danh mục",
                    _did_you_mean(registry.ward_suggestions(str(raw_ward)))
                    + f"sửa dòng Ward {REGISTRY_HINT}",
                )
            )
    topics = []
    parts = _as_list(metadata.get("topics"))
    start = 0
    while start < len(parts):
        # A synonym may itself hold a comma ("Quốc phòng, an ninh"): try the
        # longest run of parts first.
        for end in range(len(parts), start, -1):
            topic = registry.topic(", ".join(parts[start:end]))
            if topic is not None:
                break
        else:
            end = start + 1
            problems.append(
                Problem(
                    path,
                    "Topics",
                    f"không có chủ đề '{parts[start]}' trong danh mục",
                    _did_you_mean(registry.topic_suggestions(parts[start]))
                    + f"sửa dòng Topics {REGISTRY_HINT}",
                )
            )
        if topic is not None and topic not in topics:
            topics.append(topic)
        start = end
    return ward, topics, problems


def dated(
    path: str, ward: Ward, day: date, registry: Registry
) -> tuple[str, Since | None, list[Problem]]:
    """The ward's parent unit on ``day`` (a report's date), what the ward has
    become since, and a problem when the ward did not exist on that day
    (with its successor or the fix suggested)."""
    problems = []
    found = date_problem(ward, day, registry.ward)
    if found is not None:
        problems.append(Problem(path, "Ward", *found))
    return ward.parent_on(day), changed_since(ward, day, registry.ward), problems
