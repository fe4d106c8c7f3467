"""Overlap resolution: one non-overlapping, sorted span per stretch of the input.

Candidates that overlap form a cluster; the cluster becomes ONE span covering all of its members that
pass the score threshold (so no part of any detected value survives redaction), typed after the member
with the highest score (longer wins ties). Privacy over typing precision: a union may be longer than
any single value.
"""

from __future__ import annotations

from collections.abc import Iterable

# When scores tie, the more specific recognizer names the span.
PRIORITY = {
    "SECRET": 9, "CREDIT_CARD": 8, "IBAN_CODE": 8, "CRYPTO": 8, "US_SSN": 7, "EMAIL_ADDRESS": 7,
    "IP_ADDRESS": 6, "MAC_ADDRESS": 6, "UK_NINO": 6, "PHONE_NUMBER": 5, "DATE_OF_BIRTH": 4, "URL": 3,
    "PERSON": 2, "LOCATION": 2,
    # national ids with a check digit name the digits they share with a phone or a card reading
    "UK_NHS": 6, "IN_AADHAAR": 6, "DE_TAX_ID": 6, "FR_NIR": 6, "ES_NIF": 6, "ES_NIE": 6, "IT_FISCAL_CODE": 6,
    "IN_PAN": 6, "US_PASSPORT": 5, "US_DRIVER_LICENSE": 5, "MEDICAL_RECORD": 5,
}


def _pick(cluster: list[tuple[int, int, float, str]], cs: int, ce: int) -> tuple[int, int, float, str]:
    """A member spanning the whole cluster names it (a URL holding a token stays a URL); otherwise the
    highest score, then the more specific type, then the longer span."""
    for c in cluster:
        if c[0] == cs and c[1] == ce:
            whole = [x for x in cluster if x[0] == cs and x[1] == ce]
            return max(whole, key=lambda x: (x[2], PRIORITY.get(x[3], 5)))
    return max(cluster, key=lambda x: (x[2], PRIORITY.get(x[3], 5), x[1] - x[0]))


def resolve(cands: Iterable[tuple[int, int, float, str]], threshold: float = 0.5) -> list[tuple[int, int, float, str]]:
    kept = sorted((c for c in cands if c[2] >= threshold and c[1] > c[0]), key=lambda c: (c[0], -c[1]))
    out: list[tuple[int, int, float, str]] = []
    cluster: list[tuple[int, int, float, str]] = []
    cs = ce = -1
    for c in kept:
        if cluster and c[0] < ce:
            cluster.append(c)
            if c[1] > ce:
                ce = c[1]
            continue
        if cluster:
            best = _pick(cluster, cs, ce) if len(cluster) > 1 else cluster[0]
            out.append((cs, ce, best[2], best[3]))
        cluster = [c]
        cs, ce = c[0], c[1]
    if cluster:
        best = _pick(cluster, cs, ce) if len(cluster) > 1 else cluster[0]
        out.append((cs, ce, best[2], best[3]))
    return out
