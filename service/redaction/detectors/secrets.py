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
)
PEM = PatternRecognizer(name="pem", entity="SECRET", pattern=PEM_RE, gate=("PRIVATE KEY",), score=1.0)

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
)
_ASSIGN_WORDS = frozenset(
    "password passwd passwort pass pwd passphrase secret secrets key keys apikey token tokens bearer credential "
    "credentials contrase contrasena pin mot passe db dbpass dbpassword accesskey secretkey apitoken authtoken "
    "accesstoken refreshtoken clientsecret privatekey".split()
)
_ASSIGN_GATES = ("pass", "pwd", "secret", "key", "token", "bearer", "credential", "contrase", "pin")
_PLACEHOLDER = re.compile(
    r"^(?:\$\{?[\w.]+\}?|\{\{.*\}\}|<[^>]*>?|\*+|x+|\.+|null|none|nil|true|false|undefined|"
    r"changeme|redacted|\[redacted\]|your[_-]?\w*|example|placeholder|required|optional|str|string|"
    r"int|bool|os\.environ.*|process\.env.*|getenv.*|env\(.*|settings\..*|config\..*|self\..*|"
    r"\w+\(.*|not|the|a|an|to|for|and|of|in|on|is|will|should|must|field|value|here|below|above|"
    r"with|from|that|this|you|your|was|are|be|by|as|it|or|if|can|has|have|used|set|needed|missing|"
    r"invalid|expired|reset|empty|hash|hashed|length|manager|protected|\w+:)$",
    re.IGNORECASE,
)
# a value needs a digit or symbol, or mixed case, unless it follows an explicit = or :
_WORDY = re.compile(r"^[a-z]+$")


class AssignmentRecognizer(Recognizer):
    name = "assignments"
    entities = ("SECRET",)

    def find(self, ctx: ScanContext) -> list[Candidate]:
        if ctx.words.isdisjoint(_ASSIGN_WORDS):
            return []
        low = ctx.lower
        out: list[Candidate] = []
        text = ctx.text
        last_end = -1
        for h in _KEY_HINT.finditer(low):
            i = h.start()
            if i < last_end:
                continue
            while i > 0 and (low[i - 1].isalnum() or low[i - 1] in "_.-"):
                i -= 1  # back to the start of the identifier (db_password, apiKey)
            if i > 0 and low[i - 1] in "'\"`$":
                pass
            m = ASSIGN_RE.match(text, i)
            if m is None:
                continue
            last_end = m.end()
            val = m.group("val").rstrip(".)]}>")
            if len(val) < 4 or _PLACEHOLDER.match(val):
                continue
            sep = text[m.end(0) - len(m.group("val")) - len(m.group("q")) - 1: m.start("val")]
            explicit = any(c in sep for c in ":=>") or m.group("q")
            if not explicit and _WORDY.match(val):
                continue  # "the password manager", "token expired"
            if not explicit and not any(c.isdigit() or not c.isalnum() for c in val) and val.islower():
                continue
            s = m.start("val")
            out.append((s, s + len(val), 0.9 if explicit else 0.7, "SECRET"))
        return out


ASSIGNMENTS = AssignmentRecognizer()
