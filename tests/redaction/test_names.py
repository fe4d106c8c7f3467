"""PERSON detection on names the lists may not know, in the places prompts put them, and the words and
proper nouns that are no person. Every example here is written for this file (no corpus text)."""

from __future__ import annotations

import pytest

from service.redaction.detectors.base import ScanContext
from service.redaction.detectors.name_lists import _DATA, load_names
from service.redaction.detectors.names import PersonRecognizer
from tests.redaction.conftest import types_of


def persons(engine, text: str) -> list[str]:
    return [v for t, v in types_of(engine, text) if t == "PERSON"]


@pytest.mark.parametrize("text, name", [
    # names from many cultures, in running text
    ("Please forward the contract to Kim Min-jun before Friday.", "Kim Min-jun"),
    ("Hi Park Seo-yeon, your parcel left the depot.", "Park Seo-yeon"),
    ("The survey was written by Wang Xiuying last spring.", "Wang Xiuying"),
    ("Reviewer: Xiuying Wang", "Xiuying Wang"),
    ("Dear Nguyễn Thị Minh Khai,\nthe visa papers are ready.", "Nguyễn Thị Minh Khai"),
    ("Chukwuemeka Okonkwo signed the lease yesterday.", "Chukwuemeka Okonkwo"),
    ("Our tenant Oluwaseun Adeyemi asked about the boiler.", "Oluwaseun Adeyemi"),
    ("A call with Mohammed bin Salman Al-Saud is planned.", "Mohammed bin Salman Al-Saud"),
    ("Dear Fatima Al-Zahra, thank you for the quick reply.", "Fatima Al-Zahra"),
    ("Name: Guðrún Jónsdóttir", "Guðrún Jónsdóttir"),
    # multi-part names: middle initial without a dot, particles
    ("John Q Public filled in the claim form.", "John Q Public"),
    ("Dear Jan van der Berg,\nplease find the invoice attached.", "Jan van der Berg"),
    ("Maria de la Cruz joined the board in May.", "Maria de la Cruz"),
    # names that are also words, next to a cue
    ("Dear Grace Hope,\nthe keys are at the front desk.", "Grace Hope"),
    ("Name: Will Rose", "Will Rose"),
    # titles in several languages
    ("Frau Schmidtke hat angerufen.", "Schmidtke"),
    ("Mme Dubreuil est arrivée à midi.", "Dubreuil"),
    ("Mr. Okonjo-Iweala will join at ten.", "Okonjo-Iweala"),
    # signatures
    ("Best regards,\nHarriet Fenwick", "Harriet Fenwick"),
    ("See you then.\n-- \nBarnaby Quell\n", "Barnaby Quell"),
    ("Thanks,\nTobiah Marsh-Delacroix", "Tobiah Marsh-Delacroix"),
    # surnames that are also place words stay people
    ("Full name: Seo-yeon Park\nDOB: on file", "Seo-yeon Park"),
    ("Please pay the refund to Aurelio Lane today.", "Aurelio Lane"),
    # lists and "Last, First"
    ("Smith, John", "Smith, John"),
])
def test_names_are_found_whole(engine, text, name):
    assert name in persons(engine, text)


@pytest.mark.parametrize("text, names", [
    ('{"first_name": "Tamsin", "last_name": "Okafor", "plan": "pro"}', ["Tamsin", "Okafor"]),
    ('{"customerName": "Ilse Brandvold", "id": 4}', ["Ilse Brandvold"]),
    ("first_name: Radek\nsurname: Wyszomirski\n", ["Radek", "Wyszomirski"]),
    ("holder: Saoirse Ní Bhriain\nexpiry: 09/27", ["Saoirse Ní Bhriain"]),
    ("patient: Olamide Bakare\nward: 4B", ["Olamide Bakare"]),
    ("employee = Thandiwe Mbeki", ["Thandiwe Mbeki"]),
    ("<contact_name>Ngozi Eze</contact_name>", ["Ngozi Eze"]),
    ('{"last_name": "Hope"}', ["Hope"]),
    ("| Name | Phone |\n|---|---|\n| Ngozi Eze | 555 0101 |", ["Ngozi Eze"]),
])
def test_names_in_fields_and_key_value_lines(engine, text, names):
    found = persons(engine, text)
    for name in names:
        assert name in found


@pytest.mark.parametrize("text, name", [
    ("From: Nguyen Van An <an.nguyen@example.com>", "Nguyen Van An"),
    ("Reply to Isolde Trevanion <itrevanion@example.org> today", "Isolde Trevanion"),
    ("Ask Quillon about it (quillon.berd@example.net).", "Quillon"),
])
def test_display_name_spelled_by_the_email_local_part(engine, text, name):
    assert name in persons(engine, text)


@pytest.mark.parametrize("text, name", [
    ("姓名：王秀英", "王秀英"),
    ("name: 김민준", "김민준"),
    ('{"name": "山田太郎"}', "山田太郎"),
    ("昨天我见了李明先生。", "李明"),
    ("山田さんに連絡してください。", "山田"),
    ("김민준님, 주문이 발송되었습니다.", "김민준"),
    ("이름: 박서연", "박서연"),
])
def test_cjk_and_hangul_names_in_name_contexts(engine, text, name):
    assert name in persons(engine, text)


def test_a_list_of_surnames_is_found_item_by_item(engine):
    found = persons(engine, "The partners are Guibord, Cannon and Moore.")
    assert {"Guibord", "Cannon", "Moore"} <= set(found)


@pytest.mark.parametrize("text", [
    # month and weekday abbreviations in timestamps and column headers
    "Jan 12 10:22:01 host sshd[2211]: session opened",
    "Report for 12 Jan 2025, totals below.",
    "Feb Mar Apr\n10 12 14",
    "Mon 09:00 standup, Fri 16:00 retro",
    # chat roles and column headers
    "Bot: how can I help you today?\nUser: reset my password",
    "NAME   PHONE   EMAIL\n",
    "PHONE          SSN",
    "We are contacting you about your subscription.",
    # places, streets and companies
    "The Paris office moves to Main Street in May.",
    "Johnson & Johnson reported earnings on Tuesday.",
    "Invoices go to Baxter Ltd and Harrow Holdings.",
    "The parade starts at Lake Tahoe and ends on Harrison Avenue.",
    "Our new office in Dallas opens soon.",
    # sentence-initial and capitalised common words
    "Will this approach scale? Hope so. Grace period ends in June.",
    "Ping fails from the build host but not from the laptop.",
    "Report Summary Draft",
    "Dear Customer,\nyour order has shipped.",
    "Best regards,\nThe Support Team",
    # configuration values under a generic name key
    "name: Build and Test\nruns-on: ubuntu-latest",
    '{"name": "my-service", "version": "1.2.0"}',
    '{"name": "Production Database"}',
    "file_name: Quarterly Report",
    # a lower-case name inside a host name
    "mail me at info@uni-heidelberg.de",
])
def test_words_places_companies_and_headers_are_not_people(engine, text):
    assert persons(engine, text) == []


def test_sources_beyond_faker_carry_names_alone():
    """Without Faker's lists (the generator of the project's own corpus) the other sources still know
    names from several regions."""
    rec = PersonRecognizer(without="F")
    for text, name in [("Chukwuemeka Okonkwo approved it.", "Chukwuemeka Okonkwo"),
                       ("Guðrún Jónsdóttir approved it.", "Gudrun Jonsdottir"),
                       ("Priyanka Deshpande approved it.", "Priyanka Deshpande")]:
        from service.redaction.normalize import normalize

        view = normalize(text).text
        spans = [view[s:e] for s, e, sc, _t in rec.find(ScanContext(view)) if sc >= 0.5]
        assert name in spans, text


def test_name_data_stays_small():
    total = sum(p.stat().st_size for p in _DATA.iterdir() if p.is_file())
    assert total < 4_000_000


def test_no_finding_repeats_or_leaks_text_into_the_recognizer_repr():
    rec = PersonRecognizer()
    assert "Okonkwo" not in repr(rec)
    out = rec.find(ScanContext("Chukwuemeka Okonkwo and Chukwuemeka Okonkwo"))
    assert len(out) == len(set(out))


@pytest.mark.parametrize("text, names", [
    ("[09:02] Marisol: the parcel is late\n[09:05] Agent: sorry to hear that\n[09:06] Marisol: ok", ["Marisol"]),
    ("Teodora (+44 7700 900123): running late\nMe: np\nTeodora: ten minutes", ["Teodora"]),
    ("[14:10] سلمى: مرحبا\n[14:11] Support: hello", ["سلمى"]),
    ("From: Amira Haddad <ah.inbox@example.org>\nTo: ops@example.org", ["Amira Haddad"]),
    ('To: "Li Wei" <lw@example.cn>, Dorota Kwiatek <dk@example.pl>', ["Li Wei", "Dorota Kwiatek"]),
    ("From: たくみ 横川 <box17@example.jp>", ["たくみ 横川"]),
    ("Regards,\nأميرة الهاشمي", ["أميرة الهاشمي"]),
    ("owner:\n  name: 균 혜영\n  team: billing", ["균 혜영"]),
    ("BEGIN:VCARD\nFN:نوح الزراد\nEND:VCARD", ["نوح الزراد"]),
    ("please ask أنس النمر to call back", ["أنس النمر"]),
])
def test_speakers_display_names_and_other_scripts(engine, text, names):
    found = persons(engine, text)
    for name in names:
        assert name in found


@pytest.mark.parametrize("text", [
    "TODO: fix the parser\nTODO: add tests\nFIXME: later",
    "Note: the cache is cold\nError: timeout\nNote: retry later",
    "Q: why?\nA: because\nQ: really?",
    "User: hi\nAssistant: hello, how can I help?\nUser: thanks",
    "From: Acme Billing <billing@acme.example>",
    "From: GitHub <noreply@github.example>",
    "Subject: Quarterly numbers\nDate: Tue, 4 Mar 2025",
])
def test_roles_keys_and_senders_that_are_no_person(engine, text):
    assert persons(engine, text) == []


@pytest.mark.parametrize("text, name", [
    ("Ottoline R. Vasquez\n\nLandscape architect", "Ottoline R. Vasquez"),
    ("Brisa: is the bus late?\nKenneth: ten minutes\nLisa: thanks", "Brisa"),
    ("What's your last name? Tsereteli", "Tsereteli"),
    ("Rewrite for Wiebke van der Loo\nwho edits the newsletter", "Wiebke van der Loo"),
])
def test_initials_dialogues_answers_and_particles(engine, text, name):
    assert name in persons(engine, text)


def test_mail_header_keys_are_no_speakers(engine):
    text = ("From: Isolde Brandt <ib.box@example.org>\nTo: desk@example.org\nSubject: Re: invoice 12\n"
            "Date: Tue, 4 Mar 2025 09:10:00 +0000\n\nPaid, thanks.\n")
    assert persons(engine, text) == ["Isolde Brandt"]
