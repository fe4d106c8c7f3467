"""Per-deployment custom recognizers and deny-list terms, loaded once from a YAML or JSON file.

File shape (YAML shown; JSON is the same structure):

    recognizers:
      - name: employee_id            # optional, for diagnostics
        entity_type: EMPLOYEE_ID     # upper-case letters, digits, underscores
        pattern: "\\bEMP-\\d{6}\\b"  # Python regular expression
        score: 0.9                   # optional, 0 < score <= 1 (default 0.85)
        context: [employee, staff]   # optional: +0.15 when one of these words precedes the match
        ignore_case: false           # optional
    deny_list:
      - entity_type: PROJECT_NAME
        terms: [Bluebird, Nightjar]  # matched as whole words, any case, on the normalised text
    allow_list: [support@example.com] # optional: values never redacted in this deployment

Every problem raises `CustomRecognizerError` with ONE readable message that names the place
("recognizers[2].pattern: ...") but never echoes a term (terms may themselves be sensitive).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from service.redaction.detectors.base import PatternRecognizer, Recognizer
from service.redaction.entities import ENTITY_NAME_RE
from service.redaction.normalize import normalize

_MAX_PATTERN = 2000
_MAX_TERMS = 50_000


class CustomRecognizerError(ValueError):
    """The custom recognizers file is unreadable or invalid."""


@dataclass(slots=True)
class CustomConfig:
    recognizers: list[Recognizer] = field(default_factory=list)
    allow_list: tuple[str, ...] = ()
    descriptions: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"CustomConfig(recognizers={len(self.recognizers)}, allow_list={len(self.allow_list)})"


def _fail(where: str, problem: str) -> CustomRecognizerError:
    return CustomRecognizerError(f"custom recognizers file: {where}: {problem}")


def _entity(where: str, value: object) -> str:
    if not isinstance(value, str) or not ENTITY_NAME_RE.match(value):
        raise _fail(where, "must be an upper-case name of letters, digits and underscores (e.g. EMPLOYEE_ID)")
    return value


def _load_raw(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CustomRecognizerError(f"custom recognizers file cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise CustomRecognizerError("custom recognizers file is not UTF-8 text") from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CustomRecognizerError(
                f"custom recognizers file is not valid JSON (line {exc.lineno}, column {exc.colno})"
            ) from None
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise CustomRecognizerError(f"custom recognizers file is not valid YAML{where}") from None


def parse_config(raw: object) -> CustomConfig:
    if raw is None:
        return CustomConfig()
    if not isinstance(raw, dict):
        raise _fail("top level", "must be a mapping with 'recognizers', 'deny_list' and/or 'allow_list'")
    unknown = set(raw) - {"recognizers", "deny_list", "allow_list"}
    if unknown:
        raise _fail("top level", f"unknown key(s): {', '.join(sorted(map(str, unknown)))}")
    cfg = CustomConfig()
    recs = raw.get("recognizers") or []
    if not isinstance(recs, list):
        raise _fail("recognizers", "must be a list")
    for i, item in enumerate(recs):
        where = f"recognizers[{i}]"
        if not isinstance(item, dict):
            raise _fail(where, "must be a mapping")
        extra = set(item) - {"name", "entity_type", "pattern", "score", "context", "ignore_case", "description"}
        if extra:
            raise _fail(where, f"unknown key(s): {', '.join(sorted(map(str, extra)))}")
        etype = _entity(f"{where}.entity_type", item.get("entity_type"))
        pattern = item.get("pattern")
        if not isinstance(pattern, str) or not pattern or len(pattern) > _MAX_PATTERN:
            raise _fail(f"{where}.pattern", f"must be a non-empty string of at most {_MAX_PATTERN} characters")
        flags = re.IGNORECASE if item.get("ignore_case", False) is True else 0
        try:
            compiled = re.compile(pattern, flags)
        except re.error as exc:
            raise _fail(f"{where}.pattern", f"invalid regular expression ({exc.msg} at position {exc.pos})") from None
        if compiled.match(""):
            raise _fail(f"{where}.pattern", "must not match the empty string")
        score = item.get("score", 0.85)
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0 < score <= 1:
            raise _fail(f"{where}.score", "must be a number greater than 0 and at most 1")
        context = item.get("context", [])
        if not isinstance(context, list) or not all(isinstance(w, str) and w.strip() for w in context):
            raise _fail(f"{where}.context", "must be a list of non-empty strings")
        name = item.get("name", f"custom_{i}")
        if not isinstance(name, str):
            raise _fail(f"{where}.name", "must be a string")
        desc = item.get("description")
        if desc is not None:
            if not isinstance(desc, str):
                raise _fail(f"{where}.description", "must be a string")
            cfg.descriptions[etype] = desc
        cfg.descriptions.setdefault(etype, "Custom entity defined by this deployment.")
        cfg.recognizers.append(PatternRecognizer(
            name=name, entity=etype, pattern=compiled, score=float(score),
            context=[w.strip().lower() for w in context],
        ))
    deny = raw.get("deny_list") or []
    if not isinstance(deny, list):
        raise _fail("deny_list", "must be a list")
    for i, item in enumerate(deny):
        where = f"deny_list[{i}]"
        if not isinstance(item, dict) or set(item) - {"entity_type", "terms", "description"}:
            raise _fail(where, "must be a mapping with 'entity_type' and 'terms'")
        etype = _entity(f"{where}.entity_type", item.get("entity_type"))
        terms = item.get("terms")
        if not isinstance(terms, list) or not terms or len(terms) > _MAX_TERMS:
            raise _fail(f"{where}.terms", f"must be a non-empty list of at most {_MAX_TERMS} strings")
        clean = []
        for j, t in enumerate(terms):
            if not isinstance(t, str) or not t.strip() or len(t) > 200:
                raise _fail(f"{where}.terms[{j}]", "must be a non-empty string of at most 200 characters")
            clean.append(normalize(t.strip()).text)  # detection runs on the folded view: fold terms too
        alts = "|".join(re.escape(t) for t in sorted(set(clean), key=len, reverse=True))
        compiled = re.compile(r"(?<!\w)(?:" + alts + r")(?!\w)", re.IGNORECASE)
        cfg.descriptions.setdefault(etype, item.get("description") or "Deny-listed term of this deployment.")
        cfg.recognizers.append(PatternRecognizer(name=f"deny_list_{i}", entity=etype, pattern=compiled, score=1.0))
    allow = raw.get("allow_list") or []
    if not isinstance(allow, list) or not all(isinstance(a, str) for a in allow):
        raise _fail("allow_list", "must be a list of strings")
    cfg.allow_list = tuple(a for a in allow if a.strip())
    return cfg


def load_custom_file(path: str | Path) -> CustomConfig:
    """Read and validate the file named by GATEWAY_RECOGNIZERS_FILE."""
    return parse_config(_load_raw(Path(path)))
