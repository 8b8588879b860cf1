"""The bad-input corpus: every case folder's problems, as [code, line], exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from questionbank.checks.runner import validate
from questionbank.problems import CATALOG, Severity

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"


def _cases(kind: str) -> list[Path]:
    return sorted(p for p in (CASES / kind).iterdir() if p.is_dir())


def _run(folder: Path):
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    files = sorted(p for p in folder.iterdir() if p.name != "expected.yaml")
    result = validate(files, standards_dir=ROOT / "standards", items_dir=folder, kind=expected.get("kind"))
    return expected, result


def _as_rows(expected_problems, several_files: bool):
    return sorted((row[0], row[1], row[2] if len(row) > 2 else None) for row in expected_problems)


@pytest.mark.parametrize("folder", _cases("invalid"), ids=lambda p: p.name)
def test_invalid_case(folder):
    expected, result = _run(folder)
    several = any(len(row) > 2 for row in expected["problems"])
    got = sorted((p.code, p.line, Path(p.file).name if several else None) for p in result.problems)
    assert got == _as_rows(expected["problems"], several)
    assert result.problems, "an invalid case must produce problems"


@pytest.mark.parametrize("folder", _cases("valid"), ids=lambda p: p.name)
def test_valid_case(folder):
    _, result = _run(folder)
    assert [(p.code, p.line) for p in result.problems] == []


def test_corpus_covers_every_item_and_file_check():
    """Each check of the validator has at least one invalid case."""
    covered = set()
    for folder in _cases("invalid"):
        expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
        covered.update(row[0] for row in expected["problems"])
    not_from_a_file = {
        "item-folder-mismatch",
        "file-not-found",
        "file-unreadable",
        "folder-unreadable",
        "no-yaml-files",
        "dismissal-malformed",
        "similarity-not-checked",
        # the authoring flow's refusals: tests/test_authoring.py
        "item-not-draft",
        "item-not-reviewed",
        "item-unknown",
        "file-too-large",
        "schema-too-short",
        "schema-too-long",
        "schema-not-unique",
        "schema-out-of-range",
        "schema-invalid",
        "set-spans-standards",
        "standard-duplicate-id",
        "standard-status-mismatch",
    }
    delivery = (
        "responses-",
        "response-",
        "attempt-",
        "access-code-",
        "practice-",
        "review-",
        "examiner-",
        "extra-time-",
        "login-",
        "database-",
        "draft-",
        "challenge-",
        "ruling-",
        "cut-",
        "candidate-",
        "backup-",
        "role-",
        "stat-",  # item-analysis flags come from response data (tests/test_stats.py)
        "study-",  # standard-setting studies held in the app (tests/test_standard_setting.py)
        "rating-",
        "hofstee-",
    )
    # export and import of other formats: their files are workbooks, packages and XML, covered by test_interchange.py
    interchange = ("export-", "import-", "xlsx-", "qti-", "moodle-", "gift-")
    bank_codes = {c for c in CATALOG if not c.startswith(("blueprint-", "assembly-", "form-", *delivery, *interchange))}
    assert bank_codes - covered <= not_from_a_file


def test_every_expected_code_is_in_the_catalog_with_its_severity():
    for folder in _cases("invalid"):
        expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
        for row in expected["problems"]:
            assert row[0] in CATALOG, (folder.name, row[0])
    assert CATALOG["simplified-chinese"].severity is Severity.WARNING
    assert CATALOG["superseded-standard"].severity is Severity.WARNING
