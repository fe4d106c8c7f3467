"""UK_NINO: UK National Insurance number (HMRC prefix rules; suffix A-D)."""

from __future__ import annotations

import re

from service.redaction.detectors.base import Candidate, Recognizer, ScanContext

NINO_RE = re.compile(
    r"(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r"[ \-]?\d{2}[ \-]?\d{2}[ \-]?\d{2}[ \-]?[A-D](?![A-Za-z0-9<])"
)


class NinoRecognizer(Recognizer):
    name = "uk_nino"
    entities = ("UK_NINO",)

    def find(self, ctx: ScanContext) -> list[Candidate]:
        text = ctx.text
        out: list[Candidate] = []
        for m in NINO_RE.finditer(text):
            s = m.start()
            if s and text[s - 1].isalnum():
                continue
            out.append((s, m.end(), 0.85, "UK_NINO"))
        return out


NINO = NinoRecognizer()
