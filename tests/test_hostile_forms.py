"""Hostile form files and responses: `form check`, `score` and `publish` answer with located problems
(exit 1 or 2), never a traceback or exit 3, and never read a path a form names."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionbank.cli import main

ROOT = Path(__file__).resolve().parent.parent
BANK = ["--standards", str(ROOT / "standards"), "--items", str(ROOT / "items")]


@pytest.fixture(scope="module")
def good_form(tmp_path_factory):
    out = tmp_path_factory.mktemp("forms")
    assert main(["assemble", str(ROOT / "blueprints" / "KMC3332-002v1.yaml"), "--forms", "1", "-o", str(out), *BANK]) == 0
    path = next(out.glob("*.json"))
    return json.loads(path.read_text(encoding="utf-8"))


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out + err


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False, indent=2).encode())
    return path


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("QBANK_DATABASE_URL", f"sqlite:///{tmp_path / 'q.sqlite3'}")


def _mutants(form):
    """(name, form, expected code, path in the problem) for hand-edited forms seen in the wild."""
    first = form["sections"][0]["items"][0]
    cases = [
        ("negative-time", {**form, "time_limit_minutes": -5}, "schema-out-of-range", "time_limit_minutes"),
        ("text-time", {**form, "time_limit_minutes": "sixty"}, "schema-type", "time_limit_minutes"),
        ("blueprint-as-text", {**form, "blueprint": "blueprints/x.yaml"}, "schema-type", "blueprint"),
        ("standard-as-text", {**form, "standard": "KMC3332-002v1"}, "schema-type", "standard"),
        ("sections-as-text", {**form, "sections": ["T1", "T2"]}, "schema-type", "sections[0]"),
        ("id-as-list", {**form, "form_id": ["x"]}, "schema-type", "form_id"),
        ("no-blueprint", {k: v for k, v in form.items() if k != "blueprint"}, "schema-required", "blueprint"),
        ("bogus-scoring", {**form, "scoring": {**form["scoring"], "multiple": "bogus"}}, "schema-enum", "scoring.multiple"),
        ("nan-cut", None, "form-unreadable", ""),
        (
            "repeated-item",
            {**form, "sections": [{**form["sections"][0], "items": [first, *form["sections"][0]["items"]]}, *form["sections"][1:]]},
            "form-item-repeated",
            None,
        ),
        (
            "item-removed",
            {**form, "sections": [{**form["sections"][0], "items": form["sections"][0]["items"][1:]}, *form["sections"][1:]]},
            "form-length-mismatch",
            "length",
        ),
    ]
    return cases


@pytest.mark.parametrize("command", ["form", "score", "publish"])
def test_hand_edited_forms_are_refused_at_their_place(good_form, tmp_path, capsys, db, command):
    csv = write(tmp_path, "r.csv", b"candidate_id,item_id,answer\nc1,x,A\n")
    for name, mutant, code, where in _mutants(good_form):
        data = mutant if mutant is not None else re.sub(r'"cut_percent": [0-9.]+', '"cut_percent": NaN', json.dumps(good_form)).encode()
        assert b"NaN" in data or mutant is not None
        path = write(tmp_path, f"{name}.json", data)
        argv = {"form": ["form", "check", str(path)], "score": ["score", str(path), str(csv)], "publish": ["publish", str(path)]}[command]
        status, text = run([*argv, *BANK, "--format", "json"] if command == "form" else [*argv, *BANK], capsys)
        assert status == 1, (name, text)
        assert "Traceback" not in text and "internal error" not in text
        if command == "form":
            problems = json.loads(text)["problems"]
            assert [p["code"] for p in problems][:1] == [code], (name, problems)
            assert problems[0]["line"] >= 1 and (where is None or problems[0]["path"] == where), (name, problems[0])
        else:
            assert f"[{code}]" in text, (name, text)


def test_a_form_naming_another_file_as_its_blueprint_never_reads_it(good_form, tmp_path, capsys, db):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:SECRET-LINE\n", encoding="utf-8")
    path = write(tmp_path, "evil.json", {**good_form, "blueprint": {"path": str(secret), "sha256": "0" * 64}})
    for argv in (["form", "check", str(path)], ["publish", str(path)]):
        status, text = run([*argv, *BANK], capsys)
        assert status == 1 and "SECRET-LINE" not in text and "[form-blueprint-unknown]" in text


def test_a_bom_prefixed_form_is_read(good_form, tmp_path, capsys):
    path = write(tmp_path, "bom.json", b"\xef\xbb\xbf" + json.dumps(good_form, ensure_ascii=False).encode())
    status, text = run(["form", "check", str(path), *BANK, "--blueprints", str(ROOT / "blueprints")], capsys)
    assert status == 0, text


def test_assemble_never_replaces_a_different_form_under_the_same_name(good_form, tmp_path, capsys):
    out = tmp_path / "forms"
    assert main(["assemble", str(ROOT / "blueprints" / "KMC3332-002v1.yaml"), "--forms", "1", "-o", str(out), *BANK]) == 0
    assert main(["assemble", str(ROOT / "blueprints" / "KMC3332-002v1.yaml"), "--forms", "1", "-o", str(out), *BANK]) == 0  # same form: fine
    (path,) = out.glob("*.json")
    changed = json.loads(path.read_text(encoding="utf-8"))
    changed["seed"] = 99
    path.write_text(json.dumps(changed), encoding="utf-8")
    capsys.readouterr()
    status, text = run(["assemble", str(ROOT / "blueprints" / "KMC3332-002v1.yaml"), "--forms", "1", "-o", str(out), *BANK], capsys)
    assert status == 1 and "[form-file-exists]" in text and json.loads(path.read_text(encoding="utf-8"))["seed"] == 99


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["form_id", "sections", "blueprint", "standard", "items", "id", "length", "scoring", "sha256", "x"]), children, max_size=5
        )
    ),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=300), _JSON.map(lambda v: json.dumps(v).encode())), st.sampled_from(["form", "score", "publish"]))
def test_random_bytes_and_json_shapes_never_crash(good_form, tmp_path, capsys, data, command):
    os.environ["QBANK_DATABASE_URL"] = f"sqlite:///{tmp_path / 'fuzz.sqlite3'}"
    path = write(tmp_path, "fuzz.json", data)
    csv = write(tmp_path, "r.csv", data)
    argv = {"form": ["form", "check", str(path)], "score": ["score", str(path), str(csv)], "publish": ["publish", str(path)]}[command]
    status, text = run([*argv, *BANK], capsys)
    assert status in (1, 2), text
    assert "Traceback" not in text and "internal error" not in text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_random_responses_never_crash_score(good_form, tmp_path, capsys, data):
    form = write(tmp_path, "good.json", good_form)
    csv = write(tmp_path, "r.csv", b"candidate_id,item_id,answer\n" + data)
    status, text = run(["score", str(form), str(csv), *BANK], capsys)
    assert status in (0, 1), text
    assert "Traceback" not in text and "internal error" not in text
