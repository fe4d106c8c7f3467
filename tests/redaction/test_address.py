"""LOCATION: street addresses (whole span) and postcodes in address context; never city/country names alone."""

from __future__ import annotations

import pytest

from service.redaction.detectors.address import ADDRESS
from service.redaction.detectors.base import ScanContext
from tests.redaction.conftest import cost_ratio, types_of


def locations(engine, text: str) -> list[str]:
    return [v for t, v in types_of(engine, text) if t == "LOCATION"]


@pytest.mark.parametrize("text, value", [
    # US
    ("Please mail it to 742 Evergreen Terrace, Springfield, OR 97403 by Friday.",
     "742 Evergreen Terrace, Springfield, OR 97403"),
    ("Our office: 350 Fifth Ave NE, Seattle, WA 98109-4512", "350 Fifth Ave NE, Seattle, WA 98109-4512"),
    ("He stayed at 12B Larkspur Street.", "12B Larkspur Street"),
    ("Unit 7C, 88 E 42nd St", "Unit 7C, 88 E 42nd St"),
    ("Ship to 88 E 42nd St, Suite 1200, New York, NY 10017", "88 E 42nd St, Suite 1200, New York, NY 10017"),
    ("Return it to PO Box 4417, Tulsa, OK 74159", "PO Box 4417, Tulsa, OK 74159"),
    ("Send it to P.O. Box 89", "P.O. Box 89"),
    ("i moved to 19 willow brook road last spring", "19 willow brook road"),
    ("Billing: 2215 Quarry Ridge, Apt. 3\nDenver, CO 80205", "2215 Quarry Ridge, Apt. 3\nDenver, CO 80205"),
    ("Maria Lind\n4 Orchard Lane\nApt 2\nBoulder, CO 80302\nUSA\n\nThanks!",
     "4 Orchard Lane\nApt 2\nBoulder, CO 80302\nUSA"),
    ("Springfield, IL 62704 is on the form", "Springfield, IL 62704"),
    # UK
    ("Visit 27 Kingsway Rd, Leeds LS6 2TW", "27 Kingsway Rd, Leeds LS6 2TW"),
    ("The letter went to Flat 3, 19 Marsh Lane, Bristol BS1 4QA", "Flat 3, 19 Marsh Lane, Bristol BS1 4QA"),
    # DE
    ("Lieferadresse: Lindenstraße 14, 04109 Leipzig", "Lindenstraße 14, 04109 Leipzig"),
    ("Bitte an Am Hafen weg? Nein: Kirchweg 3a, 50667 Köln", "Kirchweg 3a, 50667 Köln"),
    ("Wir wohnen in der Kölner Straße 121", "Kölner Straße 121"),
    ("Hauptstr. 7, 80331 München", "Hauptstr. 7, 80331 München"),
    # FR
    ("J'habite au 8 rue des Lilas, 69003 Lyon", "8 rue des Lilas, 69003 Lyon"),
    ("Envoyez-le au 14 bis avenue Victor Hugo, 75016 Paris", "14 bis avenue Victor Hugo, 75016 Paris"),
    # ES, IT, PT, NL
    ("Mi dirección es Calle de Serrano 41, 28001 Madrid", "Calle de Serrano 41, 28001 Madrid"),
    ("Vivo en C/ Colón, 12", "C/ Colón, 12"),
    ("Abito in Via Dante Alighieri 22, 20121 Milano", "Via Dante Alighieri 22, 20121 Milano"),
    ("Piazza della Signoria 3", "Piazza della Signoria 3"),
    ("Moro na Rua das Laranjeiras 45, 1100-001 Lisboa", "Rua das Laranjeiras 45, 1100-001 Lisboa"),
    ("Mijn adres: Prinsengracht 263, 1016 GV Amsterdam", "Prinsengracht 263, 1016 GV Amsterdam"),
    ("Laan van Nieuw Oost-Indie 12", "Laan van Nieuw Oost-Indie 12"),
    # postcodes in address context
    ("ZIP: 30301", "30301"),
    ('{"zip_code": "60614-2231"}', "60614-2231"),
    ("postcode EH1 2NG", "EH1 2NG"),
    ("PLZ 01067", "01067"),
    ("code postal : 33000", "33000"),
    ("<postalCode>M5V 3L9</postalCode>", "M5V 3L9"),
    ("York YO1 7HH", "York YO1 7HH"),
    # after an address cue, any street name with a number; military; field keys; vCard
    ("She lives at Kaivokatu 12, Helsinki", "Kaivokatu 12, Helsinki"),
    ("Where should we deliver?\n[09:12] Lena: It is 14 Allée Verte\n[09:13] Bot: thanks", "14 Allée Verte"),
    ("Please ship it to: Unit 4410 Box 2201\nDPO AE 09812", "Unit 4410 Box 2201\nDPO AE 09812"),
    ('{"street": "Ozark Vale 77", "city": "Nome"}', "Ozark Vale 77"),
    ("id,street,plan\n17,Quellenweg 8,gold\n", "Quellenweg 8"),
    ("BEGIN:VCARD\nADR;TYPE=home:;;Rua Verde 18;Braga;;4700-320\nEND:VCARD", "Rua Verde 18;Braga;;4700-320"),
    ("Hi, my address is 9 Tuileries Court\nLondon\nN4 2HX\n\nThanks", "9 Tuileries Court\nLondon\nN4 2HX"),
    # a unit makes the line before it a street line, whatever its street word
    ("Acme Ltd\n\n4471 Pohjoisranta 9 Apt. 12\nOulu\nFinland", "4471 Pohjoisranta 9 Apt. 12\nOulu\nFinland"),
])
def test_found_with_the_whole_span(engine, text, value):
    assert locations(engine, text) == [value]


@pytest.mark.parametrize("text", [
    "5 Things to Do in Lisbon",
    "Here are 3 main points to cover.",
    "Route 66 runs through eight states.",
    "Upgrade to Python 3.12 Street Edition",          # a version before a street word
    "It costs $5 Main Course included",
    "On 5 May 2020 we met in Rome.",
    "I walked 5 blocks down the street.",
    "Tickets for the 2024 Summer Camp are out.",
    "Take 3 Green Light exits.",
    "I moved to Berlin last year; Paris is lovely and Madrid hot.",
    "She visited London, England and Dublin, Ireland.",
    "Spring 2024 release notes",
    "The 2 Brigade units left.",
    "Use String 5 times",
    "He ate 12 Apple Pie slices.",
    "the 24 Hour Drive-thru is open",
    "cap 5000 tokens per request",
    "We have 4 run points and 6 light ports.",
    "Jules César meurt en 44 av. J.-C. à Rome.",
    "Is this your address? Yes it is. 3 people live there.",
    "My address changed 3 times this year.",
    "email address: ana.lopes@example.org",
    "We booked Suite 12 for 3 nights.",
])
def test_not_an_address(engine, text):
    assert locations(engine, text) == []


def test_city_and_country_names_alone_are_kept(engine):
    text = "Flights from Chicago to Toronto, Canada and on to Lyon, France."
    assert engine.redact(text).text == text


@pytest.mark.parametrize("unit", ["1 Main St ", "12 Park ", "1 A A A A A A Street ", "Hauptstrasse 5, ",
                                  "zip: 12345 ", "12 rue A A A A A A A A A A ", "1 1 1 1 1 Street ",
                                  "Via A A A A A A A 1 ", "Apt 4B, ", "}}1 A 1\n", " in A 1234 ",
                                  "corner of A and ", "A Rapids Street ", "1 Ab 2\n, ST\n 12345\n", "at 1 Ab 2 ",
                                  "Suite 1 2 3 N. Ab\n", "A and 1 A St ", "1 \u039b. \u0391 2 ", "Apt 1 A\nA\nA\nA\n"])
def test_cost_is_linear_on_repeated_street_words(unit):
    # the one ratio test the task allows: 16 times the input may cost at most 24 times the CPU time (process
    # time, not wall time: on a shared machine a longer run is descheduled more often)
    small, large = ((unit * (n // len(unit) + 1))[:n] for n in (4096, 65536))
    assert cost_ratio(lambda text: ADDRESS.find(ScanContext(text)), small, large) < 24
