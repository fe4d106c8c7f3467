"""Score the redaction engine on the labelled corpus and measure its speed.

    .venv/bin/python -m bench.redaction            # table + in-process throughput
    .venv/bin/python -m bench.redaction --misses   # also list leaked values and false positives (local use)
    .venv/bin/python -m bench.redaction --http     # only the HTTP targets: /v1/redact and /v1/predict vs bare

Metrics (per part and per entity type):
- leak rate: share of gold PII values still present in the redacted output, compared after removing
  separators and case (and after the same Unicode folding the detector uses, so a half-redacted
  obfuscated value still counts as leaked);
- recall: share of gold values overlapped by a finding of the same type;
- precision: share of findings that overlap a gold value (of any type);
- FP/1000: findings per 1,000 texts that overlap no gold value (the clean part has no gold values).

Throughput (in-process, one core, median of --rounds passes, printed next to "ten plain regexes"
run over the same texts in the same process, since absolute MB/s moves with machine load):
- corpus mix: every corpus text, glued in ones to eights (830 B average) -- PII or look-alikes in
  every text, the worst case;
- typical prompts: prose, code, logs and stack traces of 300 B to a few KB, a third of them holding
  corpus texts (see `typical_prompts`).
HTTP (`run_http`, alone with --http): /v1/redact and /v1/predict through the real app, side by side with a
bare FastAPI endpoint in one run.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import defaultdict

sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parents[1]))

from bench.corpus import build_corpus  # noqa: E402
from service.redaction.engine import OFF_BY_DEFAULT, RedactionEngine
from service.redaction.normalize import normalize

_NON_ALNUM = re.compile(r"[\W_]+")


def compact(s: str) -> str:
    return _NON_ALNUM.sub("", normalize(s).text.casefold())


def leaked(value: str, redacted: str, redacted_compact: str) -> bool:
    v = compact(value)
    if not v:
        return False
    if len(v) >= 6:
        return v in redacted_compact
    # short values (a first name): whole-word search in the folded output
    folded = normalize(redacted).text.casefold()
    return re.search(r"(?<![a-z0-9])" + re.escape(normalize(value).text.casefold().strip()) + r"(?![a-z0-9])",
                     folded) is not None


def evaluate(engine: RedactionEngine, corpus: list[dict], collect: bool = False) -> dict:
    """Returns {"parts": {part: stats}, "types": {(part, type): stats}, "misses": [...]}"""
    parts: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    types: dict[tuple[str, str], dict] = defaultdict(lambda: defaultdict(int))
    misses: list[tuple] = []
    for s in corpus:
        text, gold, part = s["text"], s["spans"], s["part"]
        res = engine.redact(text)
        rc = compact(res.text)
        P = parts[part]
        P["texts"] += 1
        P["bytes"] += len(text.encode("utf-8", "surrogatepass"))
        for gs, ge, gt in gold:
            if gt in OFF_BY_DEFAULT:
                continue  # not redacted unless asked for by name (a URL is not personal by itself)
            T = types[(part, gt)]
            P["gold"] += 1
            T["gold"] += 1
            if leaked(text[gs:ge], res.text, rc):
                P["leaked"] += 1
                T["leaked"] += 1
                if collect:
                    misses.append(("LEAK", part, gt, text[gs:ge], text[max(0, gs - 40):ge + 20]))
            if any(it.start < ge and gs < it.end and it.entity_type == gt for it in res.items):
                P["hit"] += 1
                T["hit"] += 1
        flagged = False
        for it in res.items:
            P["found"] += 1
            if any(it.start < ge and gs < it.end for gs, ge, _ in gold):
                P["tp"] += 1
                types[(part, it.entity_type)]["tp"] += 1
            else:
                P["fp"] += 1
                types[(part, it.entity_type)]["fp"] += 1
                flagged = True
                if collect:
                    misses.append(("FP", part, it.entity_type, text[it.start:it.end],
                                   text[max(0, it.start - 40):it.end + 20]))
        P["texts_with_fp"] += flagged
    return {"parts": parts, "types": types, "misses": misses}


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:6.2f}%" if b else "     - "


def print_table(ev: dict, out=sys.stdout) -> None:
    print(f"{'part':<12} {'type':<14} {'gold':>5} {'leak':>8} {'recall':>8} {'found':>6} {'precis':>8} {'FP/1000':>8}", file=out)
    for part, P in ev["parts"].items():
        print(f"{part:<12} {'ALL':<14} {P['gold']:>5} {_pct(P['leaked'], P['gold']):>8} "
              f"{_pct(P['hit'], P['gold']):>8} {P['found']:>6} {_pct(P['tp'], P['found']):>8} "
              f"{1000 * P['fp'] / P['texts']:>8.1f}", file=out)
        for (p, t), T in sorted(ev["types"].items()):
            if p != part:
                continue
            found = T["tp"] + T["fp"]
            print(f"{'':<12} {t:<14} {T['gold']:>5} {_pct(T['leaked'], T['gold']):>8} "
                  f"{_pct(T['hit'], T['gold']):>8} {found:>6} {_pct(T['tp'], found):>8} "
                  f"{1000 * T['fp'] / P['texts']:>8.1f}", file=out)
    clean = ev["parts"].get("clean")
    if clean:
        print(f"clean texts with any finding: {clean['texts_with_fp']} of {clean['texts']}", file=out)


def perf_texts(corpus: list[dict]) -> list[str]:
    """Mixed prompts of ~300 bytes to a few KB: corpus texts alone and glued in twos to eights."""
    texts = [s["text"] for s in corpus]
    out = []
    i = 0
    k = 0
    while i < len(texts):
        n = (1, 1, 2, 3, 5, 8)[k % 6]
        out.append("\n\n".join(texts[i:i + n]))
        i += n
        k += 1
    return out


_CODE = [
    "def handler(event, context):\n    items = event.get('items', [])\n    total = sum(i['price'] * i['qty'] for i in items)\n    return {'statusCode': 200, 'body': json.dumps({'total': total})}\n",
    "SELECT o.id, o.created_at, SUM(l.amount) AS total\nFROM orders o JOIN order_lines l ON l.order_id = o.id\nWHERE o.created_at >= '2024-01-01'\nGROUP BY o.id, o.created_at\nORDER BY total DESC LIMIT 50;\n",
    "const res = await fetch(`/api/v2/reports?page=${page}&size=25`);\nif (!res.ok) throw new Error(`HTTP ${res.status}`);\nconst data = await res.json();\nsetRows(data.items.map(r => ({...r, date: new Date(r.ts)})));\n",
    "Traceback (most recent call last):\n  File \"app/main.py\", line 42, in run\n    result = worker.process(batch)\n  File \"app/worker.py\", line 118, in process\n    raise ValueError(f\"bad batch size {len(batch)}\")\nValueError: bad batch size 0\n",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: web\n          image: registry.local/web:1.14.2\n          ports:\n            - containerPort: 8080\n",
]
_PROSE = [
    "I am writing a short story about a lighthouse keeper who discovers that the light has been signalling to ships that no longer exist.",
    "Our team is evaluating whether to move the reporting pipeline from nightly batches to streaming, and I would like a balanced list of trade-offs.",
    "Explain the difference between optimistic and pessimistic locking, with an example where each one is the better choice.",
    "The quarterly review showed that onboarding takes too long; new hires need about three weeks before they can ship a change on their own.",
    "Please make the following paragraph clearer without changing its meaning, and keep it under one hundred and twenty words.",
    "What are good questions to ask in a first interview for a senior backend role, focusing on judgement rather than trivia?",
    "Summarise the main arguments for and against a four-day work week in a neutral tone suitable for an internal newsletter.",
    "We have a memory leak that appears only under load; the heap grows by roughly forty megabytes per hour until the pod restarts.",
]


def typical_prompts(corpus: list[dict], n: int = 600, seed: int = 7) -> list[str]:
    """Prompts as an LLM gateway sees them: prose, code and logs of 300 B to a few KB, a third of them
    holding one or two labelled corpus texts (so PII is present, but not in every line)."""
    import random

    r = random.Random(seed)
    pii = [s["text"] for s in corpus if s["part"] != "clean"]
    out = []
    for _ in range(n):
        parts = []
        for _ in range(r.choice((1, 2, 3, 4, 6, 10))):
            parts.append(r.choice(_CODE) if r.random() < 0.3 else " ".join(r.sample(_PROSE, r.randint(1, 3))))
        if r.random() < 0.35:
            for _ in range(r.randint(1, 2)):
                parts.insert(r.randint(0, len(parts)), r.choice(pii))
        out.append("\n\n".join(parts))
    return out


def run_inprocess(engine: RedactionEngine, texts: list[str], rounds: int = 5) -> dict:
    nbytes = sum(len(t.encode("utf-8", "surrogatepass")) for t in texts)
    for t in texts[:50]:
        engine.redact(t)
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for t in texts:
            engine.redact(t)
        times.append(time.perf_counter() - t0)
    best = min(times)
    med = statistics.median(times)
    return {"texts": len(texts), "bytes": nbytes, "texts_per_s": len(texts) / med,
            "mb_per_s": nbytes / med / 1e6, "mb_per_s_best": nbytes / best / 1e6}


BASELINE_PATTERNS = [  # "ten plain compiled regexes", the yardstick PERFORMANCE.md quotes
    r"[\w.+-]+@[\w-]+\.[\w.-]+", r"\+?\d[\d ().-]{7,}\d", r"\b(?:\d[ -]?){13,19}\b",
    r"\b\d{3}-\d{2}-\d{4}\b", r"\b(?:\d{1,3}\.){3}\d{1,3}\b", r"https?://\S+",
    r"\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b", r"\b[13][a-km-zA-HJ-NP-Z1-9]{25,34}\b", r"\bAKIA[0-9A-Z]{16}\b",
    r"\beyJ[\w-]+\.[\w-]+\.[\w-]+",
]


def run_baseline(texts: list[str], rounds: int = 5) -> float:
    pats = [re.compile(p) for p in BASELINE_PATTERNS]
    nbytes = sum(len(t.encode("utf-8", "surrogatepass")) for t in texts)
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for t in texts:
            for p in pats:
                for _m in p.finditer(t):
                    pass
        times.append(time.perf_counter() - t0)
    return nbytes / statistics.median(times) / 1e6


def run_http(seconds: int = 5, rounds: int = 3) -> str:
    """The issue-13 HTTP targets side by side in one run (bench.harness.pii_side_by_side): `/v1/redact` and
    `/v1/predict` (records on) sent a prompt carrying a name, an e-mail, a phone and a card, with the default
    logging, against the bare FastAPI POST on the same core, interleaved. Targets: 35% and 30% of bare."""
    import shutil

    from bench.harness import format_side_by_side, pii_side_by_side

    if not shutil.which("wrk"):
        return "HTTP: skipped (needs wrk: apt-get install wrk)"
    return format_side_by_side(pii_side_by_side(seconds=seconds, rounds=rounds))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--misses", action="store_true", help="print leaked values and false positives")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--no-perf", action="store_true")
    ap.add_argument("--no-http", action="store_true", help="skip the through-HTTP comparison")
    ap.add_argument("--http", action="store_true", help="only the through-HTTP comparison (both routes)")
    ap.add_argument("--seconds", type=int, default=5, help="wrk seconds per HTTP run")
    args = ap.parse_args(argv)
    if args.http:
        print(run_http(args.seconds, args.rounds))
        return 0
    t0 = time.perf_counter()
    engine = RedactionEngine.default()
    print(f"engine built in {time.perf_counter() - t0:.2f}s")
    corpus = build_corpus()
    print(f"corpus: {len(corpus)} texts")
    ev = evaluate(engine, corpus, collect=args.misses)
    print_table(ev)
    if args.misses:
        for m in ev["misses"]:
            print(m[0], m[1], m[2], repr(m[3]), "|", repr(m[4]))
    if not args.no_perf:
        texts = perf_texts(corpus)
        r = run_inprocess(engine, texts, args.rounds)
        print(f"in-process, corpus mix (PII-dense): {r['texts']} texts, {r['bytes'] / r['texts']:.0f} B avg, "
              f"{r['texts_per_s']:.0f} texts/s, {r['mb_per_s']:.2f} MB/s (best {r['mb_per_s_best']:.2f})")
        print(f"baseline (ten plain regexes, same texts): {run_baseline(texts, args.rounds):.2f} MB/s")
        typical = typical_prompts(corpus)
        r2 = run_inprocess(engine, typical, args.rounds)
        print(f"in-process, typical prompts: {r2['texts']} texts, {r2['bytes'] / r2['texts']:.0f} B avg, "
              f"{r2['texts_per_s']:.0f} texts/s, {r2['mb_per_s']:.2f} MB/s (best {r2['mb_per_s_best']:.2f}); "
              f"baseline {run_baseline(typical, args.rounds):.2f} MB/s")
        if not args.no_http:
            print(run_http(args.seconds, min(args.rounds, 3)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
