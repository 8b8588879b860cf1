"""The shipped standards against their source texts and the standards checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from questionbank.checks.runner import validate, validate_bank
from questionbank.problems import Severity

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "standards" / "sources"

# Which source file holds which standard, in document order.
SOURCE_OF = {
    "000_c9e24a2cce9863e5.txt": ["BAS2421-002v4"],
    "001_9255b099ba1ae3c0.txt": [
        "exhibition-marketing-manager-update",
        "exhibition-marketing-specialist-update",
        "exhibition-sales-manager-update",
        "exhibition-sales-specialist-update",
        "conference-project-manager-update",
        "conference-project-executive-update",
    ],
    "002_c9f50750b07047eb.txt": ["BAS2421-001"],
    "003_2e6210d968e35ed1.txt": ["KMC3332-002v1"],
    "004_0e60ed6039e8ae8f.txt": ["KMC2432-001v2"],
}
ALL_IDS = [sid for ids in SOURCE_OF.values() for sid in ids]

# Codes in the extracted text sometimes carry spaces ("T5. 1", "P4. 2. 3") from the PDF layout.
_TASK = re.compile(r"(?<![A-Za-z])T(\d+)\s?\.\s?(\d+)(?!\s?\.\s?\d)")
_INDICATOR = re.compile(r"(?<![A-Za-z])P\.?\s?\d+(?:\s?\.\s?\d+){1,3}")


def _segments() -> dict[str, str]:
    out = {}
    for name, ids in SOURCE_OF.items():
        text = (SOURCES / name).read_text(encoding="utf-8")
        if len(ids) == 1:
            out[ids[0]] = text
            continue
        starts = [m.start() for m in re.finditer(r"^.*職能基準-更新\s*$", text, flags=re.M)]
        assert len(starts) == len(ids)
        for index, sid in enumerate(ids):
            end = starts[index + 1] if index + 1 < len(ids) else len(text)
            out[sid] = text[starts[index] : end]
    return out


def _source_counts(text: str) -> tuple[int, int, int]:
    tasks = {f"{a}.{b}" for a, b in _TASK.findall(text)}
    duties = {t.split(".")[0] for t in tasks}
    indicators = len(_INDICATOR.findall(text))
    return len(duties), len(tasks), indicators


@pytest.mark.parametrize("standard_id", ALL_IDS)
def test_counts_match_the_source_text(standard_id):
    data = yaml.safe_load((ROOT / "standards" / f"{standard_id}.yaml").read_text(encoding="utf-8"))
    duties = len(data["duties"])
    tasks = sum(len(d["tasks"]) for d in data["duties"])
    indicators = sum(len(t["indicators"]) for d in data["duties"] for t in d["tasks"])
    assert (duties, tasks, indicators) == _source_counts(_segments()[standard_id])


# Counts from the transcribers' cell-by-cell reading of the source tables (duties, tasks,
# indicators); the regex count above guards the transcription, this table guards the regex.
EXPECTED = {
    "BAS2421-002v4": (7, 40, 165),
    "conference-project-executive-update": (7, 39, 152),
    "conference-project-manager-update": (6, 19, 44),
    "BAS2421-001": (6, 19, 39),
    "KMC3332-002v1": (6, 17, 69),
    "KMC2432-001v2": (8, 27, 112),
    "exhibition-marketing-manager-update": (5, 16, 40),
    "exhibition-marketing-specialist-update": (5, 18, 50),
    "exhibition-sales-manager-update": (6, 16, 40),
    "exhibition-sales-specialist-update": (6, 13, 42),
}


@pytest.mark.parametrize(("standard_id", "counts"), sorted(EXPECTED.items()))
def test_counts_by_hand(standard_id, counts):
    assert _source_counts(_segments()[standard_id]) == counts


def test_every_code_in_the_source_is_transcribed():
    """Every K, S, A and O code of the source occurs in the YAML as often (codes kept as written)."""
    for standard_id, text in _segments().items():
        yaml_text = (ROOT / "standards" / f"{standard_id}.yaml").read_text(encoding="utf-8")
        for prefix in ("A",):
            source_codes = set(re.findall(rf"(?<![A-Za-z]){prefix}\d{{2}}(?!\d)", text))
            yaml_codes = set(re.findall(rf'"({prefix}\d{{2}})"', yaml_text))
            assert source_codes == yaml_codes, standard_id


def test_shipped_standards_have_no_errors_only_irregularity_warnings():
    result = validate([ROOT / "standards"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    assert result.errors == 0, [p for p in result.problems if p.severity is Severity.ERROR][:5]
    assert {p.code for p in result.problems} <= {
        "standard-irregular-code",
        "standard-duplicate-code",
        "standard-code-renamed",
        "standard-empty-task",
    }


def test_known_source_irregularities_are_reported():
    result = validate([ROOT / "standards"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    by_file: dict[str, set[str]] = {}
    for p in result.problems:
        by_file.setdefault(Path(p.file).stem, set()).add(p.code)
    # README: "01.1.1" style output codes, O83.1.1, and BAS2421-001's mismatched numbers and empty T5.2
    assert "standard-irregular-code" in by_file["exhibition-marketing-manager-update"]
    assert "standard-irregular-code" in by_file["KMC2432-001v2"]
    assert {"standard-irregular-code", "standard-empty-task"} <= by_file["BAS2421-001"]
    assert "BAS2421-002v4" not in by_file or "standard-irregular-code" not in by_file["BAS2421-002v4"]


def test_supersession_links():
    _, bank = validate_bank([ROOT / "standards"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    s = bank.standards
    assert len(s) == 10
    assert s["BAS2421-001"].status == "superseded"
    assert s["BAS2421-001"].superseded_by == "conference-project-manager-update"
    assert s["conference-project-executive-update"].superseded_by == "BAS2421-002v4"
    assert [x.id for x in s.values() if x.code is None].__len__() == 6
    assert s["conference-project-manager-update"].duty_of("T5.3").code == "T5"
    assert "T5.2" not in s["conference-project-manager-update"].tasks
