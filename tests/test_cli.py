"""The qbank CLI through its entry point: exit codes, and JSON equal to the library's result."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from questionbank.checks.runner import validate
from questionbank.cli import main

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_is_the_library_result(capsys):
    folder = CASES / "invalid" / "competency-not-in-duty" / "competency-not-in-duty.yaml"
    code, out, _ = run(["validate", str(folder), "--format", "json", "--standards", str(ROOT / "standards")], capsys)
    assert code == 1
    expected = validate([folder], standards_dir=ROOT / "standards", items_dir="items").to_dict()
    assert json.loads(out) == expected
    assert json.loads(out)["problems"][0]["code"] == "competency-not-in-duty"
    assert json.loads(out)["problems"][0]["line"] == 4
    assert json.loads(out)["problems"][0]["column"] == 21


def test_text_output_is_file_line_column(capsys):
    path = CASES / "invalid" / "answer-not-an-option" / "answer-not-an-option.yaml"
    code, out, _ = run(["validate", str(path), "--standards", str(ROOT / "standards")], capsys)
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"{path}:15:9: error [answer-not-an-option]")


def test_exit_codes(capsys):
    valid = CASES / "valid" / "valid-single" / "valid-single.yaml"
    warn = CASES / "invalid" / "superseded-standard" / "superseded-standard.yaml"
    std = ["--standards", str(ROOT / "standards")]
    assert run(["validate", str(valid), *std], capsys)[0] == 0
    assert run(["validate", str(warn), *std], capsys)[0] == 0
    assert run(["validate", str(warn), "--strict", *std], capsys)[0] == 2
    assert run(["validate", str(CASES / "invalid" / "yaml-syntax" / "yaml-syntax.yaml"), *std], capsys)[0] == 1


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate", "--format", "xml"])
    assert info.value.code == 2
    assert run([], capsys)[0] == 2


def test_missing_path_is_a_problem_not_a_traceback(capsys, tmp_path):
    code, out, err = run(["validate", str(tmp_path / "nope.yaml"), "--format", "json"], capsys)
    assert code == 1
    assert json.loads(out)["problems"][0]["code"] == "file-not-found"
    assert "Traceback" not in err


def test_coverage_json_counts(capsys, tmp_path):
    items = tmp_path / "items" / "BAS2421-002v4"
    items.mkdir(parents=True)
    src = (CASES / "valid" / "valid-single" / "valid-single.yaml").read_text(encoding="utf-8")
    (items / "valid-single.yaml").write_text(src, encoding="utf-8")
    code, out, _ = run(
        ["coverage", "--standard", "BAS2421-002v4", "--format", "json", "--items", str(tmp_path / "items"), "--standards", str(ROOT / "standards")], capsys
    )
    assert code == 0
    report = json.loads(out)["standards"][0]
    assert report["active_items"] == 1
    t2 = next(d for d in report["duties"] if d["code"] == "T2")
    assert t2["items"] == 1 and t2["tasks"]["T2.2"] == 1
    assert "T2.1" in report["tasks_without_items"] and "T2.2" not in report["tasks_without_items"]
    assert "T2:K52" not in report["competencies_never_assessed"]
    assert "T2:K05" in report["competencies_never_assessed"]


def test_coverage_unknown_standard(capsys):
    code, _, err = run(["coverage", "--standard", "NOPE", "--standards", str(ROOT / "standards")], capsys)
    assert code == 2
    assert "unknown standard" in err


def test_console_script_help_runs():
    out = subprocess.run([sys.executable, "-m", "questionbank", "--help"], capture_output=True, text=True, check=True)
    assert "validate" in out.stdout and "coverage" in out.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["assemble", "blueprints/BAS2421-002v4.yaml", "--gap", "nan"],
        ["assemble", "blueprints/BAS2421-002v4.yaml", "--gap", "inf"],
        ["assemble", "blueprints/BAS2421-002v4.yaml", "--time-limit", "-1"],
        ["assemble", "blueprints/BAS2421-002v4.yaml", "--forms", "0"],
        ["assemble", "blueprints/BAS2421-002v4.yaml", "--seed", "1.5"],
        ["publish", "f.json", "--codes", "-3"],
        ["report", "--form", "f.json", "--responses", "r.csv", "-o", "x", "--workers", "0"],
        ["serve", "--port", "70000"],
    ],
)
def test_out_of_range_options_are_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert "qbank: error: argument" in capsys.readouterr().err
