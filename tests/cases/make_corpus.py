"""Writes the bad-input corpus under tests/cases/ (run once; the files are committed).

Each case is a folder with its input file(s) and an expected.yaml listing the problems as
[code, line] (or [code, line, file] when the case has several files). The expected lines are
written by hand here, from the inputs, not copied from the validator's output.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent

BASE = """\
id: {id}
standard: BAS2421-002v4
task: T2.2
competencies: [K52, S19]
indicators: [P2.2.1]
type: single
cognitive_level: apply
difficulty: medium
stem: {stem}
options:
  A: 實體與線上共用一張報名表
  B: 實體與線上報名分開處理
  C: 先只開放實體報名
  D: 線上與會者不需報名
answer: B
rationale: B 正確（P2.2.1）；A、C、D 皆無法分別控管名額與報到。
status: active
"""
STEM = "混合型會議的報名作業，下列做法何者最恰當？"


def item(case_id: str, stem: str = STEM, **replace: str) -> str:
    text = BASE.format(id=case_id, stem=stem)
    for old, new in replace.items():
        old = old.replace("__", " ")
        assert old in text, old
        text = text.replace(old, new)
    return text


def sub(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


INVALID: dict[str, dict] = {}
VALID: dict[str, dict] = {}


def case(name: str, files: dict[str, str | bytes], problems: list, kind: str | None = None, valid: bool = False) -> None:
    (VALID if valid else INVALID)[name] = {"files": files, "problems": problems, "kind": kind}


# --- reading and YAML
case("yaml-syntax", {"yaml-syntax.yaml": item("yaml-syntax").replace("competencies: [K52, S19]", "competencies: [K52, S19")}, [["yaml-syntax", 5]])
case("not-utf8-big5", {"not-utf8-big5.yaml": item("not-utf8-big5").encode("big5")}, [["not-utf8", 9]])
case("binary", {"binary.yaml": bytes(range(256)) * 4}, [["not-utf8", 2]])
case("nul-bytes", {"nul-bytes.yaml": b"id: a\x00b\n"}, [["yaml-syntax", 1]])
case("tab-indent", {"tab-indent.yaml": item("tab-indent").replace("  B: 實體", "\tB: 實體")}, [["tab-character", 12], ["yaml-syntax", 12]])
case("tab-in-text", {"tab-in-text.yaml": item("tab-in-text", stem='"混合型會議的報名作業，\t下列做法何者最恰當？"')}, [["tab-character", 9]])
case("empty", {"empty.yaml": ""}, [["empty-file", 1]])
case("only-comments", {"only-comments.yaml": "# nothing here\n# still nothing\n"}, [["empty-file", 1]])
case("duplicate-key", {"duplicate-key.yaml": item("duplicate-key").replace("status: active\n", "status: active\nanswer: C\n")}, [["yaml-duplicate-key", 18]])
case("recursive-alias", {"recursive-alias.yaml": item("recursive-alias").replace("tags", "tags") + "tags: &loop [*loop]\n"}, [["yaml-alias", 18]])
laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
case("billion-laughs", {"billion-laughs.yaml": laughs}, [["yaml-alias", n] for n in range(2, 10) for _ in range(9)], kind="item")
case("deep-nesting", {"deep-nesting.yaml": "tags: " + "[" * 5000 + "]" * 5000 + "\n"}, [["yaml-too-deep", 1]], kind="item")
case(
    "unsupported-tag",
    {"unsupported-tag.yaml": item("unsupported-tag").replace("author", "author") + "author: !!python/object:os.system x\n"},
    [["yaml-unsupported-tag", 18]],
)
case("multiple-documents", {"multiple-documents.yaml": item("multiple-documents") + "---\nid: second\n"}, [["yaml-multiple-documents", 18]])
case("boolean-option", {"boolean-option.yaml": item("boolean-option", **{"C: 先只開放實體報名": "C: no"})}, [["yaml-boolean-as-text", 13]])
case("key-not-text", {"key-not-text.yaml": item("key-not-text") + "? [a, b]\n: c\n"}, [["yaml-key-not-text", 18]])
# --- schema
case(
    "missing-key",
    {"missing-key.yaml": sub(item("missing-key"), "rationale: B 正確（P2.2.1）；A、C、D 皆無法分別控管名額與報到。\n", "")},
    [["schema-required", 1]],
)
case("unknown-key", {"unknown-key.yaml": sub(item("unknown-key"), "rationale:", "rationle:")}, [["schema-required", 1], ["schema-unknown-key", 16]])
case("wrong-type", {"wrong-type.yaml": item("wrong-type", stem="123")}, [["schema-type", 9]])
case("bad-enum", {"bad-enum.yaml": sub(item("bad-enum"), "status: active", "status: published")}, [["schema-enum", 17]])
case("bad-task-code", {"bad-task-code.yaml": sub(item("bad-task-code"), "task: T2.2", "task: T2-2")}, [["schema-pattern", 3]])
case("task-read-as-number", {"task-read-as-number.yaml": sub(item("task-read-as-number"), "task: T2.2", "task: 2.2")}, [["schema-type", 3]])
case("date-as-text", {"date-as-text.yaml": item("date-as-text") + "author: 2025-01-01\n"}, [["schema-type", 18]])
case(
    "true-false-with-options",
    {"true-false-with-options.yaml": sub(sub(item("true-false-with-options"), "type: single", "type: true_false"), "answer: B", "answer: true")},
    [["schema-unknown-key", 10]],
)
case(
    "true-false-answer",
    {
        "true-false-answer.yaml": "id: true-false-answer\nstandard: BAS2421-002v4\ntask: T2.2\ncompetencies: [K52]\ntype: true_false\nstem: 混合型會議的現場與線上報名作業應分開處理。\nanswer: B\nrationale: 正確（P2.2.1）。\nstatus: active\n"
    },
    [["schema-type", 7]],
)
case("not-a-mapping", {"not-a-mapping.yaml": "- a\n- b\n"}, [["schema-type", 1]])
case(
    "bad-option-label", {"bad-option-label.yaml": sub(item("bad-option-label"), "  D: 線上與會者不需報名", "  d: 線上與會者不需報名")}, [["schema-pattern", 14]]
)
# --- item semantics
case(
    "unknown-standard", {"unknown-standard.yaml": sub(item("unknown-standard"), "standard: BAS2421-002v4", "standard: BAS9999-001")}, [["unknown-standard", 2]]
)
case("unknown-task", {"unknown-task.yaml": sub(item("unknown-task"), "task: T2.2", "task: T2.99")}, [["unknown-task", 3]])
case(
    "competency-not-in-duty",
    {"competency-not-in-duty.yaml": sub(item("competency-not-in-duty"), "[K52, S19]", "[K52, K01, S19]")},
    [["competency-not-in-duty", 4]],
)
case(
    "attitude-not-in-standard",
    {"attitude-not-in-standard.yaml": sub(item("attitude-not-in-standard"), "[K52, S19]", "[K52, S19, A99]")},
    [["attitude-not-in-standard", 4]],
)
case(
    "indicator-not-in-task",
    {"indicator-not-in-task.yaml": sub(item("indicator-not-in-task"), "indicators: [P2.2.1]", "indicators:\n  - P2.2.1\n  - P2.3.1")},
    [["indicator-not-in-task", 7]],
)
case("answer-not-an-option", {"answer-not-an-option.yaml": sub(item("answer-not-an-option"), "answer: B", "answer: E")}, [["answer-not-an-option", 15]])
case("single-two-answers", {"single-two-answers.yaml": sub(item("single-two-answers"), "answer: B", "answer: [A, B]")}, [["single-answer-count", 15]])
multi = sub(sub(item("multiple-one-answer"), "type: single", "type: multiple"), "answer: B", "answer: [B]")
case("multiple-one-answer", {"multiple-one-answer.yaml": multi}, [["multiple-answer-count", 15]])
case(
    "duplicate-option-text",
    {"duplicate-option-text.yaml": sub(item("duplicate-option-text"), "D: 線上與會者不需報名", "D: 實體與線上報名，分開處理。")},
    [["duplicate-option-text", 14]],
)
case(
    "duplicate-id",
    {"dup-a.yaml": item("dup-a"), "dup-b.yaml": sub(item("dup-a", stem="報名作業怎麼做最好？"), "", "")},
    [["duplicate-item-id", 1, "dup-b.yaml"], ["item-filename-mismatch", 1, "dup-b.yaml"]],
)
case(
    "duplicate-stem",
    {"stem-a.yaml": item("stem-a"), "stem-b.yaml": item("stem-b", stem="混合型會議的報名作業：下列做法，何者最恰當")},
    [["duplicate-stem", 9, "stem-b.yaml"]],
)
case("unknown-enemy", {"unknown-enemy.yaml": item("unknown-enemy") + "enemies: [no-such-item]\n"}, [["unknown-enemy", 18]])
case("enemy-self", {"enemy-self.yaml": item("enemy-self") + "enemies: [enemy-self]\n"}, [["enemy-self", 18]])
case(
    "superseded-standard",
    {
        "superseded-standard.yaml": sub(
            sub(sub(item("superseded-standard"), "standard: BAS2421-002v4", "standard: BAS2421-001"), "task: T2.2", "task: T2.1"), "[K52, S19]", "[K34]"
        ).replace("indicators: [P2.2.1]", "indicators: [P2.1.1]")
    },
    [["superseded-standard", 2]],
)
case("simplified", {"simplified.yaml": item("simplified", stem="混合型会议的报名作业，下列做法何者最恰当？")}, [["simplified-chinese", 9]] * 5)
case(
    "space-in-chinese", {"space-in-chinese.yaml": item("space-in-chinese", stem="混合型會議的報名作業， 下列做法何者最恰當？")}, [["item-space-in-chinese", 9]]
)
case("filename-mismatch", {"other-name.yaml": item("filename-mismatch")}, [["item-filename-mismatch", 1]])
case(
    "option-labels-gap",
    {"option-labels-gap.yaml": sub(item("option-labels-gap"), "  D: 線上與會者不需報名", "  E: 線上與會者不需報名")},
    [["option-labels-not-consecutive", 11]],
)
case("option-count", {"option-count.yaml": item("option-count").replace("  D: 線上與會者不需報名\n", "")}, [["option-count", 11]])
case("set-single-item", {"set-single-item.yaml": item("set-single-item") + "set: scenario-1\n"}, [["set-single-item", 18]])
# --- standards
STD = """\
id: {id}
code: null
name: 測試職能基準
level: 4
status: current
attitudes:
  - {{code: "A01", name: "壓力容忍"}}
duties:
  - code: "T1"
    name: "進行專案提案企畫"
    level: 4
    knowledge:
      - {{code: "K01", name: "會展概論"}}
    skills:
      - {{code: "S01", name: "溝通"}}
    tasks:
      - code: "T1.1"
        name: "調閱資料"
        outputs:
          - {{code: "O1.1.1", name: "專案大綱"}}
        indicators:
          - {{code: "P1.1.1", text: "翻閱過往活動檔案。"}}
"""
case("standard-valid", {"std-ok.yaml": STD.format(id="std-ok")}, [], kind="standard", valid=True)
case("standard-irregular-code", {"std-irr.yaml": sub(STD.format(id="std-irr"), '"O1.1.1"', '"01.1.1"')}, [["standard-irregular-code", 20]], kind="standard")
case(
    "standard-duplicate-code",
    {"std-dup.yaml": STD.format(id="std-dup") + '          - {code: "P1.1.1", text: "再次翻閱。"}\n'},
    [["standard-duplicate-code", 23]],
    kind="standard",
)
case(
    "standard-empty-task",
    {
        "std-empty.yaml": sub(
            STD.format(id="std-empty"), '        indicators:\n          - {code: "P1.1.1", text: "翻閱過往活動檔案。"}\n', "        indicators: []\n"
        )
    },
    [["standard-empty-task", 17]],
    kind="standard",
)
renamed = (
    sub(STD.format(id="std-renamed"), "duties:\n", "duties:\n")
    + '  - code: "T2"\n    name: "第二職責"\n    level: 4\n    knowledge:\n      - {code: "K01", name: "另一個名稱"}\n    skills: []\n    tasks:\n      - code: "T2.1"\n        name: "任務"\n        outputs: [{code: "O2.1.1", name: "產出"}]\n        indicators: [{code: "P2.1.1", text: "指標。"}]\n'
)
case("standard-code-renamed", {"std-renamed.yaml": renamed}, [["standard-code-renamed", 27]], kind="standard")
case("standard-missing-duties", {"std-nod.yaml": STD.format(id="std-nod").split("duties:")[0]}, [["schema-required", 1]], kind="standard")
case(
    "standard-supersession",
    {
        "std-old.yaml": sub(STD.format(id="std-old"), "status: current", "status: superseded\nsuperseded_by: std-gone"),
        "std-new.yaml": sub(STD.format(id="std-new"), "status: current", "status: current\nsupersedes: [std-old]"),
    },
    [["standard-unknown-reference", 6, "std-old.yaml"], ["standard-supersession-mismatch", 6, "std-new.yaml"]],
    kind="standard",
)
case("standard-filename", {"std-file.yaml": STD.format(id="std-other")}, [["standard-filename-mismatch", 1]], kind="standard")
# --- blueprints
BP = """\
standard: KMC3332-002v1
length: 10
duties:
  T1: {percent: 20}
  T2: {percent: 20}
  T3: {percent: 20}
  T4: {percent: 20}
  T5: {percent: 10}
  T6: {percent: 10}
forms: 2
max_overlap: "30%"
"""
case("blueprint-valid", {"bp-ok.yaml": BP}, [], kind="blueprint", valid=True)
case(
    "blueprint-duty-missing",
    {"bp.yaml": sub(sub(BP, "  T6: {percent: 10}\n", ""), "T5: {percent: 10}", "T5: {percent: 20}")},
    [["blueprint-duty-missing", 4]],
    kind="blueprint",
)
case(
    "blueprint-excluded-with-reason",
    {
        "bp.yaml": sub(sub(BP, "  T6: {percent: 10}\n", ""), "T5: {percent: 10}", "T5: {percent: 20}")
        + "excluded_duties:\n  - {duty: T6, reason: 結案作業另以實作評量}\n"
    },
    [],
    kind="blueprint",
    valid=True,
)
case(
    "blueprint-unknown-duty",
    {"bp.yaml": sub(BP, "  T6: {percent: 10}", "  T9: {percent: 10}")},
    [["blueprint-unknown-duty", 9], ["blueprint-duty-missing", 4], ["blueprint-shares-not-100", 4]],
    kind="blueprint",
)
case("blueprint-shares-not-100", {"bp.yaml": sub(BP, "T6: {percent: 10}", "T6: {percent: 15}")}, [["blueprint-shares-not-100", 4]], kind="blueprint")
case(
    "blueprint-duty-zero",
    {"bp.yaml": sub(sub(BP, "T5: {percent: 10}", "T5: {percent: 19}"), "T6: {percent: 10}", "T6: {percent: 1}")},
    [["blueprint-duty-zero", 9], ["blueprint-length-mismatch", 2]],
    kind="blueprint",
)
case("blueprint-unknown-key", {"bp.yaml": BP + "time_limit: 60\n"}, [["schema-unknown-key", 12]], kind="blueprint")
# --- valid
case("valid-single", {"valid-single.yaml": item("valid-single")}, [], valid=True)
case(
    "valid-multiple",
    {
        "valid-multiple.yaml": sub(
            sub(item("valid-multiple", stem="混合型會議的報名作業，下列哪些做法恰當？（複選）"), "type: single", "type: multiple"),
            "answer: B",
            "answer: [B, D]",
        )
    },
    [],
    valid=True,
)
case(
    "valid-true-false",
    {
        "valid-true-false.yaml": "id: valid-true-false\nstandard: BAS2421-002v4\ntask: T2.2\ncompetencies: [K52]\ntype: true_false\nstem: 混合型會議的現場與線上報名作業應分開處理。\nanswer: true\nrationale: 正確（P2.2.1）。\nstatus: active\n"
    },
    [],
    valid=True,
)
case(
    "valid-set",
    {
        "set-1.yaml": item("set-1") + "set: hybrid\nenemies: [set-2]\n",
        "set-2.yaml": item("set-2", stem="同一場會議的線上報名，下列何者最恰當？") + "set: hybrid\n",
    },
    [],
    valid=True,
)
case("valid-quoted-no", {"valid-quoted-no.yaml": item("valid-quoted-no", **{"C: 先只開放實體報名": 'C: "no"'})}, [], valid=True)


def write(root: Path, cases: dict[str, dict]) -> None:
    if root.exists():
        shutil.rmtree(root)
    for name, spec in cases.items():
        folder = root / name
        folder.mkdir(parents=True)
        for file_name, content in spec["files"].items():
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            (folder / file_name).write_bytes(data)
        expected = {"problems": spec["problems"]}
        if spec["kind"]:
            expected["kind"] = spec["kind"]
        (folder / "expected.yaml").write_text(yaml.safe_dump(expected, allow_unicode=True, default_flow_style=None), encoding="utf-8")


if __name__ == "__main__":
    write(HERE / "invalid", INVALID)
    write(HERE / "valid", VALID)
