"""Messages people read are short, located and say what to do: no 20 KB lines, no raw invisible
characters, no regex jargon, no single-choice advice for a multiple-response item."""

from __future__ import annotations

from pathlib import Path

from questionbank.checks.runner import validate

ROOT = Path(__file__).resolve().parent.parent
BASE = (
    (ROOT / "tests" / "cases" / "invalid" / "answer-not-an-option" / "answer-not-an-option.yaml").read_text(encoding="utf-8").replace("answer: E", "answer: B")
)


def problems_of(tmp_path, text):
    path = tmp_path / "x.yaml"
    path.write_text(text.replace("id: answer-not-an-option", "id: x"), encoding="utf-8")
    return validate([path], standards_dir=ROOT / "standards", items_dir=tmp_path, kind="item").problems


def test_a_thousand_options_give_one_short_line(tmp_path):
    options = "".join(f"  O{n}: 選項{n}\n" for n in range(1000))
    found = problems_of(tmp_path, BASE.replace("  A: 實體與線上共用一張報名表\n", "  A: 實體與線上共用一張報名表\n" + options))
    assert found and all(len(p.message) <= 400 for p in found)


def test_invisible_characters_in_keys_are_shown_escaped(tmp_path):
    found = problems_of(tmp_path, BASE.replace("answer: B", "answer\u200b: B"))
    unknown = [p for p in found if p.code == "schema-unknown-key"]
    assert unknown and "\\u200b" in unknown[0].message and "\u200b" not in unknown[0].message


def test_a_blank_stem_is_called_blank(tmp_path):
    found = problems_of(tmp_path, BASE.replace("stem: 混合型會議的報名作業，下列做法何者最恰當？", 'stem: "   "'))
    (stem,) = [p for p in found if p.path == "stem"]
    assert stem.code == "schema-pattern" and stem.line == 9 and "\\S" not in stem.message and "only spaces" in stem.message


def test_a_multiple_item_with_one_answer_written_as_text_is_told_to_write_a_list(tmp_path):
    found = problems_of(
        tmp_path,
        BASE.replace("type: single", "type: multiple").replace(
            "stem: 混合型會議的報名作業，下列做法何者最恰當？", "stem: 混合型會議的報名作業，下列做法何者正確？（複選）"
        ),
    )
    (count,) = [p for p in found if p.code == "multiple-answer-count"]
    assert count.line == 15 and "list" in count.message and "type: single" not in count.message
