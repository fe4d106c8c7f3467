"""SECRET: provider tokens with fixed shapes, JWTs, PEM private keys and credential assignments.

Only the value is reported for `password=...`-style assignments (the key name stays readable so the
model still understands the prompt). Placeholders (`${VAR}`, `<token>`, `****`, `changeme`) are left.

Gate: every provider token is 15 or more characters of [A-Za-z0-9_.-] in a row (the shortest, a Slack
"xoxb-" token, has 15), and so is every provider prefix that starts one; in an ASCII view the prefix
search (and the upper-case prefix gate) runs only inside such runs, found on a byte map of the view.
"""

from __future__ import annotations

import base64
import json
import re
import string
from bisect import bisect_left

from service.redaction.detectors.base import (
    Candidate, PatternRecognizer, Recognizer, ScanContext, byte_classes, class_runs)

TOKEN_RE = re.compile(
    r"(?<![A-Za-z0-9_])(?:"
    r"(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}"  # AWS access key ids
    r"|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}"  # GitHub
    r"|glpat-[A-Za-z0-9_-]{20,}"  # GitLab
    r"|xox[abposr]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,}"  # Slack
    r"|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,99}|whsec_[A-Za-z0-9]{20,}"  # Stripe
    r"|sk-(?:proj-|svcacct-|admin-|ant-(?:api\d\d-)?)?[A-Za-z0-9_-]{20,}"  # OpenAI / Anthropic
    r"|AIza[0-9A-Za-z_-]{35}|ya29\.[0-9A-Za-z_-]{20,}"  # Google
    r"|hf_[A-Za-z0-9]{30,}|npm_[A-Za-z0-9]{36}|pypi-[A-Za-z0-9_-]{50,}"  # HF, npm, PyPI
    r"|SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}"  # SendGrid
    r"|dop_v1_[a-f0-9]{64}|shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}"  # DigitalOcean, Shopify
    r"|eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}"  # JWT
    r")(?![A-Za-z0-9_<])"
)
_TOKEN_GATES = ("AKIA", "ASIA", "AIDA", "AROA", "AGPA", "ABIA", "ACCA", "ANPA", "ANVA", "AIPA", "ghp_",
                "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xox", "xapp-", "_live_", "_test_",
                "whsec_", "sk-", "AIza", "ya29.", "hf_", "npm_", "pypi-", "SG.", "dop_v1_", "shpat_", "shpss_",
                "shpca_", "shppa_", "eyJ")


def _jwt_ok(tok: str) -> bool:
    head = tok.split(".", 1)[0]
    try:
        data = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and ("alg" in data or "typ" in data)


def _validate_token(m: re.Match[str], ctx: ScanContext) -> float | None:
    tok = m.group()
    if tok.startswith("eyJ"):
        return 1.0 if _jwt_ok(tok) else None
    if tok.startswith("sk-"):
        body = tok.split("-")[-1]
        # a real key mixes cases and digits; "sk-this-is-my-project-name" does not
        if not (any(c.isdigit() for c in body) and any(c.isupper() for c in body)) and len(tok) < 40:
            return None
    return 1.0


_GATE_BACK = {"_live_": 2, "_test_": 2}
# cheap pre-gates: lower-case words every prefix splits into, and the all-letter prefixes
_TOKEN_WORDS = frozenset("ghp gho ghu ghs ghr github glpat xoxb xoxp xoxa xoxo xoxs xoxr xapp live test whsec sk ya "
                         "hf npm pypi sg dop shpat shpss shpca shppa".split())
_UPPER_GATES = ("AKIA", "ASIA", "AIDA", "AROA", "AGPA", "ABIA", "ACCA", "ANPA", "ANVA", "AIPA", "AIza", "eyJ")
_TOKEN_HINT = re.compile(
    r"A(?:KIA|SIA|IDA|ROA|GPA|BIA|CCA|NPA|NVA|IPA|Iza)|gh[pousr]_|github_pat_|glpat-|xox|xapp-|_live_|"
    r"_test_|whsec_|sk-|ya29\.|hf_|npm_|pypi-|SG\.|dop_v1_|shp(?:at|ss|ca|pa)_|eyJ"
)


_TOKEN_CHARS = byte_classes({"t": string.ascii_letters + string.digits + "_.-"})


class TokenRecognizer(PatternRecognizer):
    """Runs TOKEN_RE only where a provider prefix occurs (anchored matches, no full scan)."""

    def find(self, ctx: ScanContext):  # type: ignore[override]
        text = ctx.text
        shape = ctx.ascii_map(_TOKEN_CHARS)
        if shape is None:
            spans: list[tuple[int, int]] = [(0, len(text))]
        else:
            spans = class_runs(shape, b"t", 15)  # a token (and its prefix) lies inside one of these
            if not spans:
                return []
        if ctx.words.isdisjoint(_TOKEN_WORDS) and not any(g in text[lo:hi] for lo, hi in spans for g in _UPPER_GATES):
            return []
        out: list[Candidate] = []
        done = -1
        for lo, hi in spans:
            for h in _TOKEN_HINT.finditer(text, lo, hi):
                i = h.start()
                st = i - _GATE_BACK.get(h.group(), 0)
                if st >= 0 and st >= done and (st == 0 or not (text[st - 1].isalnum() or text[st - 1] in "_>")):
                    m = TOKEN_RE.match(text, st)
                    if m is not None:
                        score = _validate_token(m, ctx)
                        if score is not None:
                            out.append((m.start(), m.end(), score, "SECRET"))
                            done = m.end()
        return out


TOKENS = TokenRecognizer(name="tokens", entity="SECRET", pattern=TOKEN_RE, validate=_validate_token)

PEM_RE = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----"
    r"(?:[\s\S]*?-----END \1-----|[A-Za-z0-9+/=:\s,.-]*)"
)  # the reference: PemRecognizer finds exactly what PEM_RE.finditer finds
_PEM_LABEL = r"((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----"
_PEM_BEGIN = re.compile(r"-----BEGIN " + _PEM_LABEL)
_PEM_END = re.compile(r"-----END " + _PEM_LABEL)
_PEM_BODY = re.compile(r"[A-Za-z0-9+/=:\s,.-]*")


class PemRecognizer(Recognizer):
    """PEM private keys: a header up to its END line, or up to where base64 stops without one.

    PEM_RE's lazy search for the END line runs to the end of the text for every header that has
    none, so headers without END lines cost quadratic time; here every END line is indexed once
    (by label; at most one label fits at a given position) and each header looks its END up."""

    name = "pem"
    entities = ("SECRET",)

    def find(self, ctx: ScanContext) -> list[Candidate]:
        text = ctx.text
        if "PRIVATE KEY" not in text:
            return []
        ends: dict[str, list[int]] = {}
        y = text.find("-----END ")
        while y >= 0:
            m = _PEM_END.match(text, y)
            if m is not None:
                ends.setdefault(m.group(1), []).append(y)
            y = text.find("-----END ", y + 1)
        out: list[Candidate] = []
        b = text.find("-----BEGIN ")
        while b >= 0:
            m = _PEM_BEGIN.match(text, b)
            if m is None:
                b = text.find("-----BEGIN ", b + 1)
                continue
            label, h = m.group(1), m.end()
            at = ends.get(label, ())
            k = bisect_left(at, h)
            e = at[k] + len(label) + 14 if k < len(at) else _PEM_BODY.match(text, h).end()  # 14: "-----END " "-----"
            out.append((b, e, 1.0, "SECRET"))
            b = text.find("-----BEGIN ", e)
        return out


PEM = PemRecognizer()

_KEY_NAMES = (
    r"password|passwd|passwort|mot de passe|contrase[nñ]a|pass|pwd|passphrase|secret|client[_ -]?secret|"
    r"secret[_ -]?key|api[_ -]?key|apikey|api[_ -]?token|access[_ -]?key(?:[_ -]?id)?|"
    r"aws[_ -]?secret[_ -]?access[_ -]?key|access[_ -]?token|auth[_ -]?token|refresh[_ -]?token|"
    r"bearer|private[_ -]?key|token|credentials?|db[_ -]?pass(?:word)?|pin"
)
_KEY_HINT = re.compile(r"pass|pwd|secret|key|token|bearer|credential|contrase|pin")
ASSIGN_RE = re.compile(
    r"(?:[A-Za-z0-9]+[_.-])*(?:" + _KEY_NAMES + r")(?:[_.-][A-Za-z0-9]+)*['\"]?"
    r"(?:\s*(?:[:=]|=>|:=|->)\s*|\s+(?:is|was|=)\s+(?:now\s+)?|\s+)"
    r"(?P<q>['\"`]?)(?P<val>[^\s'\"`,;]{4,200})",
    re.IGNORECASE,
)  # the reference: `_assign_match` returns the tail of what ASSIGN_RE.match returns, in linear time

# ASSIGN_RE split at its key name. The prefix hands the name any start after one of its separators,
# latest first; the alternatives of the name are tried in ASSIGN_RE's order (optional parts expanded,
# longer form first); the suffix never needs to give anything back, since the tail cannot start where
# a suffix segment could stop (before a letter or digit, or before a [_.-] that a letter or digit follows).
_PREFIX = re.compile(r"(?:[A-Za-z0-9]+[_.-])*", re.IGNORECASE)
_SEP = re.compile(r"[_.-]")
_SEGMENT = re.compile(r"[_.-][A-Za-z0-9]+", re.IGNORECASE)
_TAIL = re.compile(
    r"['\"]?(?:\s*(?:[:=]|=>|:=|->)\s*|\s+(?:is|was|=)\s+(?:now\s+)?|\s+)"
    r"(?P<q>['\"`]?)(?P<val>[^\s'\"`,;]{4,200})",
    re.IGNORECASE,
)
_NAME_FORMS = (
    "password", "passwd", "passwort", "mot de passe", "contrase[nñ]a", "pass", "pwd", "passphrase", "secret",
    "client[_ -]?secret", "secret[_ -]?key", "api[_ -]?key", "apikey", "api[_ -]?token", "access[_ -]?key[_ -]?id",
    "access[_ -]?key", "aws[_ -]?secret[_ -]?access[_ -]?key", "access[_ -]?token", "auth[_ -]?token",
    "refresh[_ -]?token", "bearer", "private[_ -]?key", "token", "credentials", "credential", "db[_ -]?password",
    "db[_ -]?pass", "pin",
)
_NAME_ANY = re.compile(r"(?:" + _KEY_NAMES + r")", re.IGNORECASE)


def _names_by_first_char() -> dict[str, tuple[re.Pattern[str], ...]]:
    """The name forms, keyed by every character that can start one under IGNORECASE (ſ reads s)."""
    out: dict[str, list[re.Pattern[str]]] = {}
    for form in _NAME_FORMS:
        pat = re.compile(form, re.IGNORECASE)
        first = form[0]
        for c in {first, first.upper(), *("\u017f" if first == "s" else "")}:
            out.setdefault(c, []).append(pat)
    return {c: tuple(v) for c, v in out.items()}


_NAMES_AT = _names_by_first_char()


def _assign_match(text: str, i: int, chain: dict[int, int], tails: dict[int, re.Match[str] | None]
                  ) -> re.Match[str] | None:
    """The tail match (separator and value) of ASSIGN_RE.match(text, i), or None.

    ASSIGN_RE backtracks through every separator of a long identifier and, at each, runs its suffix to
    the end of it: quadratic in a run like "key-key-...". Here each name start is tried once, suffix ends
    are shared through `chain` and tail matches through `tails` (both per text), so a text costs time
    linear in its length however its identifiers are built."""
    pre = _PREFIX.match(text, i).end()
    starts = [m.end() for m in _SEP.finditer(text, i, pre)]
    starts.reverse()
    starts.append(i)
    for p in starts:
        if _NAME_ANY.match(text, p) is None:
            continue
        for name in _NAMES_AT.get(text[p], ()):
            nm = name.match(text, p)
            if nm is None:
                continue
            pos, path = nm.end(), []
            while pos not in chain:
                path.append(pos)
                seg = _SEGMENT.match(text, pos)
                if seg is None:
                    chain[pos] = pos
                    break
                pos = seg.end()
            e = chain[pos]
            for q in path:
                chain[q] = e
            if e in tails:
                t = tails[e]
            else:
                t = tails[e] = _TAIL.match(text, e)
            if t is not None:
                return t
    return None


_ASSIGN_WORDS = frozenset(
    "password passwd passwort pass pwd passphrase secret secrets key keys apikey token tokens bearer credential "
    "credentials contrase contrasena pin mot passe db dbpass dbpassword accesskey secretkey apitoken authtoken "
    "accesstoken refreshtoken clientsecret privatekey".split()
)
_ASSIGN_GATES = ("pass", "pwd", "secret", "key", "token", "bearer", "credential", "contrase", "pin")
# Code in a value's place is no value: a call of a lower-case name ("get_password()", "sha256(raw)") and a
# subscription of a name without digits ("headers[...]", "Optional[str]"); a bracket after a digit or before
# one ("hunter2[x]zz", "sk.Live[8f2Q]9") is part of a typed secret.
_PLACEHOLDER = re.compile(
    r"^(?:\$\{?[\w.]+\}?|\{\{.*\}\}|<[^>]*>?|\*+|x+|\.+|null|none|nil|true|false|undefined|"
    r"changeme|redacted|\[redacted\]|your[_-]?\w*|example|placeholder|required|optional|str|string|"
    r"int|bool|os\.environ.*|process\.env.*|getenv.*|env\(.*|settings\..*|config\..*|self\..*|"
    r"[a-z_][\w.]*\(.*|[A-Za-z_][A-Za-z_.]*\[(?:['\"].*|[A-Za-z_]\w*\]?)?|bearer|basic|not|the|a|an|to|for|and|of|in|on|is|will|should|must|field|value|here|below|above|"
    r"with|from|that|this|you|your|was|are|be|by|as|it|or|if|can|has|have|used|set|needed|missing|"
    r"invalid|expired|reset|empty|hash|hashed|length|manager|protected|\w+:)$",
    re.IGNORECASE,
)
# a value needs a digit or symbol, or mixed case, unless it follows an explicit = or :
_WORDY = re.compile(r"^[a-z]+$")
# what a key word followed by nothing but a space or quotes is, when it is no assignment: a next word
# with sentence punctuation ("Pass auf!"), a grammar or constant name ('the token "NUMBER"')
_SENTENCE_END = "!?.,:;"
_CONSTANT = re.compile(r"^[A-Z][A-Z_]*$")
# db_password, self.api_key: lower case, no digit (a mixed-case "Winter_Password" is typed by hand)
_VARIABLE = re.compile(r"^[a-z]+(?:[_.][a-z]+)+$")
_IDENT_RUN = re.compile(r"[\w.-]*")  # what the walk back to an identifier's start crosses (isalnum, _ . -)


class AssignmentRecognizer(Recognizer):
    name = "assignments"
    entities = ("SECRET",)

    def find(self, ctx: ScanContext) -> list[Candidate]:
        if ctx.words.isdisjoint(_ASSIGN_WORDS):
            return []
        low = ctx.lower
        out: list[Candidate] = []
        text = ctx.text
        last_end = run_end = -1
        chain: dict[int, int] = {}
        tails: dict[int, re.Match[str] | None] = {}
        for h in _KEY_HINT.finditer(low):
            i = h.start()
            if i < last_end or i < run_end:
                continue  # inside a value already taken, or in the identifier just tried (same answer)
            run_end = _IDENT_RUN.match(low, i).end()
            while i > 0 and (low[i - 1].isalnum() or low[i - 1] in "_.-"):
                i -= 1  # back to the start of the identifier (db_password, apiKey)
            m = _assign_match(text, i, chain, tails)
            if m is None:
                continue
            last_end = m.end()
            val = m.group("val").rstrip(".)]}>")
            if len(val) < 4 or _PLACEHOLDER.match(val):
                continue
            sep = text[m.end(0) - len(m.group("val")) - len(m.group("q")) - 1: m.start("val")]
            assigned = any(c in sep for c in ":=>")
            explicit = assigned or m.group("q")
            if not assigned and _CONSTANT.match(val):
                continue  # 'the token "NUMBER"', "pass TIMEOUT": names, not values
            if not assigned and "=" in val:
                last_end = m.start("val")  # "pass password=None": the value is an assignment, judged on its own
                continue
            if assigned and _VARIABLE.match(val) and _KEY_HINT.search(val.lower()) and not m.group("q"):
                continue  # "client_secret=client_secret", "token=auth_token": a variable passed on, no literal
            if not explicit:
                if _WORDY.match(val):
                    continue  # "the password manager", "token expired"
                if not any(c.isdigit() or not c.isalnum() for c in val) and val.islower():
                    continue
                if "\n" in text[m.start(0):m.start("val")] or val[0] in "([{":
                    continue  # Python's `pass` statement and the line after it; "pass (Pdb)"
                word = val.rstrip(_SENTENCE_END)
                if word.isalpha() and (word.islower() or word.istitle() or word.isupper()):
                    continue  # "Pass auf!", "token Expired." : a word of prose, not a value
            s = m.start("val")
            out.append((s, s + len(val), 0.9 if explicit else 0.7, "SECRET"))
        return out


ASSIGNMENTS = AssignmentRecognizer()
