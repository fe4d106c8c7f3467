"""The one place recognizers are registered. Order does not matter: the resolver settles overlaps."""

from __future__ import annotations

from service.redaction.detectors.address import ADDRESS
from service.redaction.detectors.base import Candidate, PatternRecognizer, Recognizer, ScanContext
from service.redaction.detectors.contact import EMAIL, URL
from service.redaction.detectors.crypto import CRYPTO
from service.redaction.detectors.dates import DOB
from service.redaction.detectors.ids import NATIONAL_IDS
from service.redaction.detectors.names import PersonRecognizer
from service.redaction.detectors.network import MAC, IPv6Recognizer
from service.redaction.detectors.numbers import DigitRunRecognizer, IbanRecognizer
from service.redaction.detectors.secrets import ASSIGNMENTS, PEM, TOKENS

__all__ = ["Candidate", "PatternRecognizer", "Recognizer", "ScanContext", "default_recognizers"]


def default_recognizers() -> list[Recognizer]:
    return [
        EMAIL, URL, DigitRunRecognizer(), IbanRecognizer(), IPv6Recognizer(), MAC,
        CRYPTO, TOKENS, PEM, ASSIGNMENTS, DOB, ADDRESS, PersonRecognizer(), NATIONAL_IDS,
    ]
