"""Optional statistical NER backends for PERSON (and other types), pluggable into the engine.

Nothing here is needed by default and nothing is downloaded: a backend wraps a model the deployment
already installed (a spaCy package such as `en_core_web_sm`, or a local transformers checkpoint path).
Pass one to `RedactionEngine.default(ner_backend=...)`; its candidates join the rule-based ones and the
resolver settles overlaps. Backends see the normalised view, so obfuscation folding still applies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from service.redaction.detectors.base import Candidate, Recognizer, ScanContext

# Common NER label sets mapped to this engine's entity types.
DEFAULT_LABELS: Mapping[str, str] = {"PERSON": "PERSON", "PER": "PERSON", "B-PER": "PERSON", "I-PER": "PERSON"}


class CallableNerBackend(Recognizer):
    """Adapts any `fn(text) -> iterable of (start, end, label, score)` into a recognizer."""

    name = "ner"

    def __init__(self, fn: Callable[[str], Iterable[tuple[int, int, str, float]]],
                 labels: Mapping[str, str] = DEFAULT_LABELS, max_chars: int = 100_000):
        self._fn = fn
        self._labels = dict(labels)
        self._max = max_chars
        self.entities = tuple(sorted(set(self._labels.values())))

    def find(self, ctx: ScanContext) -> list[Candidate]:
        out: list[Candidate] = []
        text = ctx.text
        for lo in range(0, len(text), self._max):  # bounded chunks keep model memory flat
            for s, e, label, score in self._fn(text[lo:lo + self._max]):
                etype = self._labels.get(label)
                if etype is not None and 0 <= s < e:
                    out.append((lo + s, lo + e, float(score), etype))
        return out

    def __repr__(self) -> str:
        return f"CallableNerBackend(entities={self.entities})"


def spacy_backend(model: str = "en_core_web_sm", score: float = 0.8) -> CallableNerBackend:
    """A spaCy pipeline that is already installed (raises ImportError/OSError if it is not)."""
    import spacy  # optional dependency

    nlp = spacy.load(model, disable=["parser", "lemmatizer", "textcat"])

    def run(text: str):
        return [(ent.start_char, ent.end_char, ent.label_, score) for ent in nlp(text).ents]

    return CallableNerBackend(run)


def transformers_backend(model_path: str, score_floor: float = 0.5) -> CallableNerBackend:
    """A local token-classification checkpoint (a directory; no hub download is attempted)."""
    from transformers import pipeline  # optional dependency

    ner = pipeline("token-classification", model=model_path, aggregation_strategy="simple",
                   model_kwargs={"local_files_only": True})

    def run(text: str):
        return [(r["start"], r["end"], r["entity_group"], float(r["score"])) for r in ner(text)
                if float(r["score"]) >= score_floor]

    return CallableNerBackend(run)
