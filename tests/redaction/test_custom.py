"""Custom recognizers and deny-list terms: validated at load with one readable message, no echo."""

from __future__ import annotations

import json

import pytest

from service.redaction.custom import CustomRecognizerError, load_custom_file, parse_config


def test_loads_json(tmp_path):
    p = tmp_path / "r.json"
    p.write_text(json.dumps({"recognizers": [{"entity_type": "TICKET", "pattern": r"\bTCK-\d+\b", "score": 0.9,
                                              "context": ["ticket"]}],
                             "allow_list": ["support@example.com"]}), encoding="utf-8")
    cfg = load_custom_file(p)
    assert len(cfg.recognizers) == 1 and cfg.allow_list == ("support@example.com",)


def test_empty_file_is_fine(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text("", encoding="utf-8")
    assert load_custom_file(p).recognizers == []


@pytest.mark.parametrize("raw,where", [
    ([1, 2], "top level"),
    ({"recognizers": [{"entity_type": "lower", "pattern": "x"}]}, "recognizers[0].entity_type"),
    ({"recognizers": [{"entity_type": "X_ID", "pattern": "("}]}, "recognizers[0].pattern"),
    ({"recognizers": [{"entity_type": "X_ID", "pattern": "a*"}]}, "recognizers[0].pattern"),
    ({"recognizers": [{"entity_type": "X_ID", "pattern": "a", "score": 2}]}, "recognizers[0].score"),
    ({"recognizers": [{"entity_type": "X_ID", "pattern": "a", "colour": 1}]}, "recognizers[0]"),
    ({"deny_list": [{"entity_type": "X_ID", "terms": []}]}, "deny_list[0].terms"),
    ({"deny_list": [{"entity_type": "X_ID", "terms": ["ok", 3]}]}, "deny_list[0].terms[1]"),
    ({"allow": []}, "top level"),
])
def test_invalid_configs_name_the_place(raw, where):
    with pytest.raises(CustomRecognizerError) as exc:
        parse_config(raw)
    msg = str(exc.value)
    assert where in msg and "\n" not in msg


def test_error_never_echoes_a_term():
    with pytest.raises(CustomRecognizerError) as exc:
        parse_config({"deny_list": [{"entity_type": "X", "terms": ["Top Secret Project Name"]}]})
    assert "Top Secret" not in str(exc.value)


def test_bad_yaml_and_missing_file(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text("recognizers: [\n", encoding="utf-8")
    with pytest.raises(CustomRecognizerError, match="not valid YAML"):
        load_custom_file(p)
    with pytest.raises(CustomRecognizerError, match="cannot be read"):
        load_custom_file(tmp_path / "missing.yaml")


def test_deny_list_terms_match_obfuscated_and_accented_forms(tmp_path):
    from service.redaction.engine import RedactionEngine

    p = tmp_path / "r.yaml"
    p.write_text("deny_list:\n  - entity_type: CODENAME\n    terms: [Müller Projekt, Nightjar]\n", encoding="utf-8")
    eng = RedactionEngine.default(custom_file=str(p))
    text = "Status of müller projekt and N\u200bightjar?"
    assert [(f.entity_type, text[f.start:f.end]) for f in eng.analyze(text)] == [
        ("CODENAME", "müller projekt"), ("CODENAME", "N\u200bightjar")]
