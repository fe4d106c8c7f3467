"""The redaction engine: the one facade the web layer and the chat proxy call.

Threat model: text from any caller, possibly crafted to evade detection or to crash the detector.
Invariants:
- `analyze`/`redact` never raise on any `str` (lone surrogates and control characters included);
  only bad operator options or missing keys raise `OperatorError`.
- Findings are code-point offsets into the ORIGINAL text, sorted, non-overlapping, each covering the
  whole (possibly obfuscated) value.
- No repr, log line or exception message of this module holds a value.
- The engine is immutable after construction and safe to share between threads.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from service.redaction.custom import CustomConfig, load_custom_file
from service.redaction.detectors import Recognizer, ScanContext, default_recognizers
from service.redaction.entities import ENTITY_DESCRIPTIONS
from service.redaction.normalize import normalize
from service.redaction.operators import (
    OperatorError,
    OperatorKeys,
    OperatorSpec,
    Vault,
    apply_operator,
    canonical,
    decrypt_text,
)
from service.redaction.resolver import resolve
from service.redaction.views import derived_views

__all__ = [
    "Finding", "OperatorError", "OperatorKeys", "OperatorSpec", "RedactedItem", "RedactionEngine",
    "RedactionResult", "Vault", "decrypt_text",
]


def _own_output_re(types: Iterable[str]) -> re.Pattern[str]:
    """Output of our own operators, for the entity types this engine knows: never re-detected (keeps
    redaction idempotent). Only known type names qualify, so "<AKIAIOSFODNN7EXAMPLE>" is no shield."""
    alts = "|".join(sorted((re.escape(t) for t in types), key=len, reverse=True))
    return re.compile(
        r"<(?:" + alts + r")(?:_\d{1,6}|:[0-9a-f]{16})?>|<ENC:(?:" + alts + r"):gAAAAA[A-Za-z0-9_\-]{60,}=*>"
    )


# A URL names a resource, not a person: it is redacted only when asked for by name. Personal data inside
# one (an address in its query, a name in its path that the name detector reads) is found by its own
# recognizer either way.
OFF_BY_DEFAULT = frozenset({"URL"})

_DEFAULT_OPERATOR = OperatorSpec()  # frozen: one shared instance serves every call
_NO_KEYS = OperatorKeys()


@dataclass(frozen=True, slots=True)
class Finding:
    entity_type: str
    start: int
    end: int
    score: float


@dataclass(frozen=True, slots=True)
class RedactedItem:
    entity_type: str
    start: int
    end: int
    score: float
    replacement: str

    def __repr__(self) -> str:
        return f"RedactedItem({self.entity_type}, {self.start}, {self.end}, score={self.score:.2f})"


@dataclass(slots=True)
class RedactionResult:
    text: str
    items: list[RedactedItem]
    mapping: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"RedactionResult(chars={len(self.text)}, items={len(self.items)}, mapping={len(self.mapping)})"


class RedactionEngine:
    def __init__(self, recognizers: Sequence[Recognizer], custom: CustomConfig | None = None,
                 threshold: float = 0.5, ner_backend: Recognizer | None = None):
        recs = list(recognizers)
        self._descriptions = dict(ENTITY_DESCRIPTIONS)
        self._allow: frozenset[str] = frozenset()
        if custom is not None:
            recs.extend(custom.recognizers)
            for k, v in custom.descriptions.items():
                self._descriptions.setdefault(k, v)
            self._allow = frozenset(a.strip().casefold() for a in custom.allow_list)
        if ner_backend is not None:
            recs.append(ner_backend)
        self._recognizers = tuple(recs)
        self._threshold = threshold
        known: set[str] = set()
        for r in recs:
            known.update(r.entities)
        self._known = frozenset(known)
        self._own_output = _own_output_re(self._known)
        # What a call without `entities` looks for: everything but OFF_BY_DEFAULT. Only a recognizer that
        # declares an off-by-default type beside others (a NER backend labelling URLs and persons) makes
        # the default call drop candidates by type; the built-in ones never do.
        self._default_recognizers = tuple(r for r in recs if not OFF_BY_DEFAULT.issuperset(r.entities))
        self._default_mixed = any(not OFF_BY_DEFAULT.isdisjoint(r.entities) for r in self._default_recognizers)

    @classmethod
    def default(cls, custom_file: str | None = None, ner_backend: Recognizer | None = None) -> RedactionEngine:
        """Build once at start-up (loads name lists, compiles patterns). Raises CustomRecognizerError."""
        custom = load_custom_file(custom_file) if custom_file else None
        return cls(default_recognizers(), custom=custom, ner_backend=ner_backend)

    @staticmethod
    def decrypt(text: str, fernet) -> str:
        """Reverse the encrypt operator's output (only tokens `fernet` can open; others stay)."""
        return decrypt_text(text, fernet)

    def entity_types(self) -> list[tuple[str, str]]:
        return sorted((name, self._descriptions.get(name, "")) for name in self._known)

    def __repr__(self) -> str:
        return f"RedactionEngine(recognizers={len(self._recognizers)})"

    # -- detection -------------------------------------------------------------------------

    def analyze(self, text: str, entities: Iterable[str] | None = None,
                allow_list: Sequence[str] = ()) -> list[Finding]:
        wanted = None if entities is None else frozenset(entities)
        recognizers: Sequence[Recognizer] = self._default_recognizers
        if wanted is not None:
            recognizers = [r for r in self._recognizers if not wanted.isdisjoint(r.entities)]
        view = normalize(text)
        scan = view.text
        own: list[tuple[int, int]] = []
        if "<" in scan:
            own = [m.span() for m in self._own_output.finditer(scan)]
            if own:
                # Our placeholders read as an opaque word (same length, so offsets hold): a value glued
                # to one is judged exactly as it was when glued to the word it replaced, and placeholder
                # names never act as context ("<PHONE_NUMBER> 12345678").
                parts, pos = [], 0
                for s0, e0 in own:
                    parts.append(scan[pos:s0])
                    parts.append("x" * (e0 - s0))
                    pos = e0
                parts.append(scan[pos:])
                scan = "".join(parts)
        cands: list[tuple[int, int, float, str]] = []
        ctx = ScanContext(scan)
        for rec in recognizers:
            cands.extend(rec.find(ctx))
        for v in derived_views(scan):
            vctx = ScanContext(v.text)
            for rec in recognizers:
                for s0, e0, sc, t in rec.find(vctx):
                    if v.keeps(s0, e0):
                        span = v.to_base(s0, e0)
                        if span is not None:
                            cands.append((span[0], span[1], sc, t))
        if wanted is not None:
            cands = [c for c in cands if c[3] in wanted]
        elif self._default_mixed:
            cands = [c for c in cands if c[3] not in OFF_BY_DEFAULT]
        if not cands:
            return []
        if own:
            own_starts = [a for a, _ in own]
            kept = []
            for c in cands:
                k = bisect_right(own_starts, c[1] - 1) - 1  # last placeholder starting before c ends
                if k >= 0 and own[k][1] > c[0]:
                    continue
                kept.append(c)
            cands = kept
        spans = resolve(cands, self._threshold)
        if not view.is_identity:
            mapped = [(*view.to_original(s, e), sc, t) for s, e, sc, t in spans]
            spans = resolve(mapped, 0.0)  # two view spans can share one original character
        if spans:
            spans = self._repeat_values(text, spans)
        allow = self._allow
        if allow_list:
            allow = allow | {a.strip().casefold() for a in allow_list if a and a.strip()}
        out = []
        for s, e, sc, t in spans:
            if allow and self._allowed(text[s:e], t, allow):
                continue
            out.append(Finding(t, s, e, round(sc, 2)))
        return out

    @staticmethod
    def _repeat_values(text: str, spans: list[tuple[int, int, float, str]]) -> list[tuple[int, int, float, str]]:
        """Every other verbatim occurrence of a detected value is redacted too (a phone number repeated
        without its context, a name repeated glued to other text), so no detected value survives in
        the output. At most 64 distinct values are searched (str.find keeps it linear)."""
        values: dict[str, tuple[float, str]] = {}
        for s, e, sc, t in spans:
            v = text[s:e]
            if len(v) >= 4 and v not in values:
                values[v] = (sc, t)
                if len(values) >= 64:
                    break
        found = {s for s, _, _, _ in spans}
        extra = []
        n = len(text)
        for v, (sc, t) in values.items():
            check_left, check_right = v[0].isalnum(), v[-1].isalnum()
            i = text.find(v)
            while i >= 0:
                j = i + len(v)
                # whole occurrences only: "John" is repeated in "John said", not in "Johnson"
                if i not in found and not (check_left and i and text[i - 1].isalnum()) and not (
                        check_right and j < n and text[j].isalnum()):
                    extra.append((i, j, sc, t))
                i = text.find(v, i + 1)
        if not extra:
            return spans
        return resolve(spans + extra, 0.0)

    @staticmethod
    def _allowed(value: str, etype: str, allow: frozenset[str]) -> bool:
        v = value.strip().casefold()
        if v in allow:
            return True
        return normalize(value).text.strip().casefold() in allow

    # -- redaction -------------------------------------------------------------------------

    def redact(self, text: str, entities: Iterable[str] | None = None, allow_list: Sequence[str] = (),
               operator: OperatorSpec | None = None, keys: OperatorKeys | None = None,
               vault: Vault | None = None) -> RedactionResult:
        """Replace every finding by `operator`'s output. `vault` (pseudonymize) may be shared across
        calls; without one a fresh vault serves this call and its mapping is returned."""
        operator = operator or _DEFAULT_OPERATOR
        keys = keys or _NO_KEYS
        if operator.type == "pseudonymize" and vault is None:
            vault = Vault()
        findings = self.analyze(text, entities, allow_list)
        parts: list[str] = []
        items: list[RedactedItem] = []
        pos = 0
        used: dict[str, str] = {}
        for f in findings:
            value = text[f.start:f.end]
            rep = apply_operator(f.entity_type, value, operator, keys, vault)
            if operator.type == "pseudonymize":
                used[rep] = value
            parts.append(text[pos:f.start])
            parts.append(rep)
            pos = f.end
            items.append(RedactedItem(f.entity_type, f.start, f.end, f.score, rep))
        parts.append(text[pos:])
        mapping = vault.mapping if vault is not None else {}
        return RedactionResult("".join(parts), items, mapping)


decrypt = decrypt_text  # the name the web layer's /v1/redact/decrypt uses

__all__ += ["canonical", "decrypt"]
