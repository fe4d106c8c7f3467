"""Entity type names (Presidio's, plus SECRET and a few cheap extras) with one-line descriptions."""

from __future__ import annotations

import re

ENTITY_DESCRIPTIONS: dict[str, str] = {
    "EMAIL_ADDRESS": "Email address, including obfuscated forms such as 'name [at] example (dot) com'.",
    "PHONE_NUMBER": "Telephone number in international or national format, with extension; validated.",
    "CREDIT_CARD": "Payment card number of a known issuer range that passes the Luhn check.",
    "US_SSN": "US Social Security number in an assigned area/group/serial range.",
    "IBAN_CODE": "International bank account number with the right country length and mod-97 check.",
    "IP_ADDRESS": "IPv4 or IPv6 address (every textual IPv6 form), validated.",
    "URL": "Web address with a scheme or www., or a bare domain with a common top-level domain.",
    "CRYPTO": "Bitcoin (base58check or bech32) or Ethereum (EIP-55) wallet address.",
    "SECRET": "Credential: cloud access key, provider token, JWT, private key, or password/API-key value.",
    "PERSON": "Personal name in prose, greetings, signatures, forms or lists.",
    "DATE_OF_BIRTH": "Date of birth: any date in a birth context (labels, field keys, prose; en de fr es it pt nl).",
    "LOCATION": "Street address (street line, unit, city, region, postcode) or a postcode in address context.",
    "MAC_ADDRESS": "Network hardware (MAC) address.",
    "UK_NINO": "UK National Insurance number.",
    "UK_NHS": "UK NHS number: after an NHS key, or spaced 3-3-4 with a valid mod-11 check.",
    "IN_AADHAAR": "Indian Aadhaar number: after an Aadhaar key, or grouped 4-4-4 with a valid Verhoeff check.",
    "IN_PAN": "Indian Permanent Account Number, only after a PAN key.",
    "DE_TAX_ID": "German tax id (Steuer-ID): after a key, or grouped 2-3-3-3 with a valid check digit.",
    "FR_NIR": "French social security number (NIR): after a key, or with a valid control key.",
    "ES_NIF": "Spanish DNI/NIF number: after a key, or with a valid check letter.",
    "ES_NIE": "Spanish foreigner identity number (NIE): after a key, or with a valid check letter.",
    "IT_FISCAL_CODE": "Italian codice fiscale: after a key, or with a valid check character.",
    "US_PASSPORT": "Passport number after a passport key (US layouts; other countries' numbers too).",
    "US_DRIVER_LICENSE": "Driver's licence number after a licence key (US state layouts; other countries' too).",
    "MEDICAL_RECORD": "Medical record number or patient id after a key (MRN, patient ID, UHID, NHC, ...).",
}

ENTITY_NAME_RE = re.compile(r"^[A-Z][A-Z0-9_]{1,47}$")
