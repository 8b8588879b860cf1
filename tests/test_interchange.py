"""qbank export / import: xlsx, QTI 2.1, Moodle XML and GIFT round trips on the whole bank,
located refusals of bad files, XSD validation of QTI, and LibreOffice reading a workbook."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from questionbank.checks.runner import load_bank
from questionbank.cli import main
from questionbank.interchange.item_yaml import dump_item, item_record, record_hash
from questionbank.interchange.transfer import export_items, import_items, select_items
from tests.conftest import need

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bank():
    _result, loaded = load_bank(ROOT / "standards", ROOT / "items")
    return loaded


@pytest.fixture(scope="module")
def items(bank):
    return select_items(item for _, item in bank.items)


@pytest.fixture()
def tree(tmp_path):
    """A copy of the bank to import into (the real items/ is never written)."""
    shutil.copytree(ROOT / "standards", tmp_path / "standards")
    shutil.copytree(ROOT / "items", tmp_path / "items")
    return tmp_path


def test_the_yaml_writer_keeps_every_item_and_writes_like_the_writers(items):
    identical = 0
    for item in items:
        text = dump_item(item_record(item))
        original = Path(item.file).read_text(encoding="utf-8")
        assert record_hash(yaml.safe_load(text)) == record_hash(yaml.safe_load(original)), item.id
        identical += text == original
    # the rest differ only in where their writer broke the folded rationale (one line, or one line per option);
    # 77% of the bank's files come out byte for byte after issue 22's new items
    assert identical >= 0.7 * len(items)


def test_the_yaml_writer_quotes_what_yaml_would_misread():
    record = {"id": "x", "options": {"A": "no", "B": "010", "C": "3.0", "D": "a: b", "E": "'q'", "F": "#x", "G": "2026-01-01", "H": "="}, "tags": ["a,b", "on"]}
    assert yaml.safe_load(dump_item(record)) == record


# xlsx


def test_xlsx_round_trip_of_the_whole_bank(items, bank, tree):
    out = tree / "books"
    exported = export_items("xlsx", items, bank.standards, out)
    assert len(exported.files) == len({i.standard for i in items}) and exported.problems == ()
    result = import_items(out, bank.standards, tree / "items")  # a folder is read as workbooks
    assert result.problems == () and result.counts() == {"new": 0, "changed": 0, "unchanged": len(items)}
    assert result.written == ()


def _book(bank, items, tmp_path, standard="KMC3332-002v1"):
    path = tmp_path / "k.xlsx"
    export_items("xlsx", select_items(items, standard), bank.standards, path)
    return path


def _edit(path, edits):
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book["items"]
    for ref, value in edits.items():
        sheet[ref] = value
    book.save(path)


def test_xlsx_has_drop_downs_from_the_standard_and_a_tasks_sheet(bank, items, tmp_path):
    from openpyxl import load_workbook

    book = load_workbook(_book(bank, items, tmp_path))
    assert book.sheetnames == ["items", "codes", "tasks"]
    rules = {str(rule.sqref).split(":")[0]: rule.formula1 for rule in book["items"].data_validations.dataValidation}
    header = [c.value for c in book["items"][1]]
    column = {name: chr(ord("A") + i) for i, name in enumerate(header) if i < 26}
    for name in ("task", "type", "cognitive_level", "difficulty", "competency 1", "indicator 1"):
        assert any(ref.startswith(column[name] + "2") for ref in " ".join(str(r.sqref) for r in book["items"].data_validations.dataValidation).split()), name
    assert all(formula.startswith("codes!") for formula in rules.values())
    codes = [row[0].value for row in book["codes"].iter_rows(min_row=2) if row[0].value]
    assert codes == ["KMC3332-002v1"]
    tasks = [row[2].value for row in book["tasks"].iter_rows(min_row=2, max_col=3)]
    assert tasks[0] == bank.standards["KMC3332-002v1"].duties[0].tasks[0].code


def test_xlsx_text_that_looks_like_a_formula_stays_text(bank, items, tmp_path, tree):
    from openpyxl import load_workbook

    item = dataclasses.replace(select_items(items, "KMC3332-002v1")[0], tags=("=SUM(A1)", "+1"))
    path = tmp_path / "f.xlsx"
    export_items("xlsx", [item], bank.standards, path)
    cell = load_workbook(path)["items"]["A2"].parent
    assert all(c.data_type != "f" for row in cell.iter_rows() for c in row)
    result = import_items(path, bank.standards, tree / "items", "xlsx")
    assert [c.status for c in result.changes] == ["changed"] and "=SUM(A1)" in result.changes[0].text


def test_xlsx_changed_item_shows_a_diff_and_is_written_only_with_update(bank, items, tree, capsys, monkeypatch):
    monkeypatch.chdir(tree)
    path = _book(bank, items, tree)
    _edit(path, {"G2": "改寫後的題幹：下列何者最恰當？"})
    assert main(["import", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("--- a/items/") and "+  改寫後的題幹：下列何者最恰當？" in out
    first = select_items(items, "KMC3332-002v1")[0]
    target = tree / "items" / "KMC3332-002v1" / f"{first.id}.yaml"
    assert target.read_text(encoding="utf-8") == Path(first.file).read_text(encoding="utf-8")
    assert main(["import", str(path), "--update"]) == 0
    assert "改寫後的題幹" in target.read_text(encoding="utf-8")
    assert main(["import", str(path), "--json"]) == 0
    assert '"changed": 0' in capsys.readouterr().out


def test_xlsx_bad_cells_are_refused_with_their_cells_and_codes(bank, items, tree):
    path = _book(bank, items, tree)
    _edit(path, {"C2": "T9.9", "D3": "single-ish", "AE4": "two", "P5": "=1+1", "P6": "E", "R7": "K999"})
    result = import_items(path, bank.standards, tree / "items", "xlsx")
    found = {(p.code, p.path, p.line) for p in result.problems}
    assert ("unknown-task", "items!C2", 2) in found
    assert ("schema-enum", "items!D3", 3) in found
    assert ("xlsx-cell-value", "items!AE4", 4) in found
    assert ("xlsx-formula", "items!P5", 5) in found
    assert ("answer-not-an-option", "items!P6", 6) in found
    assert ("competency-not-in-duty", "items!R7", 7) in found
    assert all(p.file == str(path) and p.column for p in result.problems)
    assert result.refused and result.written == ()


def test_xlsx_bad_header_and_not_a_workbook(bank, items, tree):
    path = _book(bank, items, tree)
    _edit(path, {"B1": "standrad"})
    result = import_items(path, bank.standards, tree / "items", "xlsx")
    assert {(p.code, p.path) for p in result.problems} >= {("xlsx-header", "items!B1"), ("xlsx-header", "items!A1")}
    junk = tree / "junk.xlsx"
    junk.write_bytes(b"not a zip")
    assert [p.code for p in import_items(junk, bank.standards, tree / "items").problems] == ["xlsx-unreadable"]


def test_xlsx_new_item_is_written_as_yaml(bank, items, tree):
    path = _book(bank, items, tree)
    _edit(path, {"A2": "KMC3332-002v1-NEW-01", "G2": "全新的題幹，與其他題目都不相同？"})
    result = import_items(path, bank.standards, tree / "items", "xlsx")
    assert result.problems == () and result.counts()["new"] == 1
    written = tree / "items" / "KMC3332-002v1" / "KMC3332-002v1-NEW-01.yaml"
    assert written.read_text(encoding="utf-8").startswith("id: KMC3332-002v1-NEW-01\nstandard: KMC3332-002v1\n")


def test_libreoffice_reads_the_exported_workbook(bank, items, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    need(soffice is not None, "LibreOffice (soffice) is not installed; apt-get install libreoffice-calc-nogui")
    path = _book(bank, items, tmp_path)
    env = {**os.environ, "HOME": str(tmp_path)}  # a fresh profile: no clash with a running LibreOffice
    done = subprocess.run(
        [soffice, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path / "csv"), str(path)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    csv_text = (tmp_path / "csv" / "k.csv").read_text(encoding="utf-8", errors="replace")
    first = select_items(items, "KMC3332-002v1")[0]
    assert csv_text.startswith("id,standard,task") and first.id in csv_text


# QTI 2.1

XSD = ROOT / "tests" / "qti-xsd"


@pytest.fixture(scope="module")
def qti_schemas():
    """The item schema, and one that imports IMS CP, LOM (imsmd) and QTI metadata so that the
    manifest's metadata is validated too (the CP schema alone accepts any foreign element)."""
    from lxml import etree

    item = etree.XMLSchema(etree.parse(str(XSD / "qtiv2p1" / "imsqti_v2p1.xsd")))
    imports = (
        ("http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd"),
        ("http://www.imsglobal.org/xsd/imsmd_v1p2", "imsmd_v1p2p4.xsd"),
        ("http://www.imsglobal.org/xsd/imsqti_metadata_v2p1", "qtiv2p1/imsqti_metadata_v2p1.xsd"),
    )
    lines = "".join(f'<xs:import namespace="{ns}" schemaLocation="{(XSD / loc).as_uri()}"/>' for ns, loc in imports)
    wrapper = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:qbank:manifest">{lines}</xs:schema>'
    return item, etree.XMLSchema(etree.fromstring(wrapper.encode()))


@pytest.fixture(scope="module")
def package(items, bank, tmp_path_factory):
    path = tmp_path_factory.mktemp("qti") / "bank.zip"
    exported = export_items("qti21", items, bank.standards, path)
    assert exported.files == (str(path),) and exported.problems == ()
    return path


def test_qti_every_item_and_the_manifest_are_valid_against_the_xsds(package, items, qti_schemas):
    import zipfile

    from lxml import etree

    item_schema, manifest_schema = qti_schemas
    with zipfile.ZipFile(package) as zipped:
        names = [n for n in zipped.namelist() if n.startswith("items/")]
        assert len(names) == len(items)
        invalid = {}
        for name in names:
            if not item_schema.validate(etree.fromstring(zipped.read(name))):
                invalid[name] = str(item_schema.error_log.last_error)
        assert invalid == {}
        manifest = etree.fromstring(zipped.read("imsmanifest.xml"))
    assert manifest_schema.validate(manifest), manifest_schema.error_log.last_error
    # the check can fail: a stray LOM element and a bad interaction are caught
    lom = manifest.find(".//{http://www.imsglobal.org/xsd/imsmd_v1p2}lom")
    etree.SubElement(lom, "{http://www.imsglobal.org/xsd/imsmd_v1p2}notLom")
    assert not manifest_schema.validate(manifest)
    with zipfile.ZipFile(package) as zipped:
        one = etree.fromstring(zipped.read(names[0]))
    one.find(".//{http://www.imsglobal.org/xsd/imsqti_v2p1}choiceInteraction").set("maxChoices", "many")
    assert not item_schema.validate(one)


def test_qti_round_trip_of_the_whole_bank(package, items, bank, tree):
    result = import_items(package, bank.standards, tree / "items", "qti21")
    assert result.problems == () and result.counts() == {"new": 0, "changed": 0, "unchanged": len(items)}


def test_qti_manifest_carries_standard_duty_task_and_codes(package, items, bank):
    import zipfile

    from lxml import etree

    item = next(i for i in items if len(i.competencies) > 1 and i.indicators)
    with zipfile.ZipFile(package) as zipped:
        manifest = etree.fromstring(zipped.read("imsmanifest.xml"))
    ns = {"cp": "http://www.imsglobal.org/xsd/imscp_v1p1", "md": "http://www.imsglobal.org/xsd/imsmd_v1p2"}
    (resource,) = manifest.xpath(f"//cp:resource[@identifier='RES-{item.id}']", namespaces=ns)
    discipline = resource.xpath(".//md:classification[md:purpose/md:value/md:langstring='Discipline']//md:taxon/md:id/text()", namespaces=ns)
    assert discipline == [bank.standards[item.standard].duty_code(item.task), item.task]
    competencies = resource.xpath(".//md:classification[md:purpose/md:value/md:langstring='Competency']//md:taxon/md:id/text()", namespaces=ns)
    assert competencies == list(item.competencies)
    indicators = resource.xpath(".//md:classification[md:purpose/md:value/md:langstring='Educational Objective']//md:taxon/md:id/text()", namespaces=ns)
    assert indicators == list(item.indicators)


def _qti_score(item_element, chosen):
    """SCORE as a QTI engine computes it from our responseProcessing (sum of a float and mapResponse)."""
    q = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
    mapping = item_element.find(f"{q}responseDeclaration/{q}mapping")
    values = {e.get("mapKey"): float(e.get("mappedValue")) for e in mapping.findall(f"{q}mapEntry")}
    mapped = sum(values.get(label, float(mapping.get("defaultValue"))) for label in set(chosen))
    mapped = min(max(mapped, float(mapping.get("lowerBound"))), float(mapping.get("upperBound")))
    constant = float(item_element.find(f"{q}responseProcessing/{q}setOutcomeValue/{q}sum/{q}baseValue").text)
    return constant + mapped


def test_qti_multiple_response_scores_our_partial_credit_rule(bank, items):
    import itertools

    from lxml import etree

    from questionbank.interchange.qti import item_xml

    multiples = [i for i in items if i.type == "multiple"]
    shapes = {(len(i.options), len(i.keys)): i for i in multiples}
    extra = dataclasses.replace(multiples[0], options=tuple((c, f"選項{c}") for c in "ABCDEF"), answer=("A", "B", "C", "D"), points=2.0)
    for item in [*shapes.values(), extra]:
        element = etree.fromstring(item_xml(item))
        labels = [label for label, _ in item.options]
        n = len(labels)
        for size in range(n + 1):
            for chosen in itertools.combinations(labels, size):
                k = len(set(chosen) ^ set(item.keys))
                expected = item.points * max(0.0, (n - 2 * k) / n)
                assert _qti_score(element, chosen) == pytest.approx(expected), (item.id, chosen)


def _repack(package, target, replace):
    import zipfile

    with zipfile.ZipFile(package) as source, zipfile.ZipFile(target, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            for member, change in replace.items():
                if name == member:
                    data = change(data)
            if data is not None:
                out.writestr(name, data)
    return target


def test_qti_bad_packages_are_refused_with_places(package, items, bank, tree):
    junk = tree / "junk.zip"
    junk.write_bytes(b"PK no zip")
    assert [p.code for p in import_items(junk, bank.standards, tree / "items", "qti21").problems] == ["qti-package"]
    first = items[0]
    member = f"items/{first.id}.xml"
    broken = _repack(package, tree / "broken.zip", {member: lambda data: data.replace(b"</prompt>", b"</promt>", 1)})
    result = import_items(broken, bank.standards, tree / "items", "qti21")
    assert [(p.code, p.path) for p in result.problems] == [("qti-xml", member)] and result.problems[0].line
    wrong = _repack(
        package,
        tree / "wrong.zip",
        {"imsmanifest.xml": lambda data: data.replace(f"<imsmd:id>{first.task}</imsmd:id>".encode(), b"<imsmd:id>T99.9</imsmd:id>", 1)},
    )
    result = import_items(wrong, bank.standards, tree / "items", "qti21")
    assert [(p.code, p.path) for p in result.problems] == [("unknown-task", "imsmanifest.xml")] and result.problems[0].line > 1
    assert result.refused and result.written == ()


# Moodle XML and GIFT


def test_moodle_round_trip_of_the_whole_bank(items, bank, tree):
    path = tree / "bank.xml"
    assert export_items("moodle", items, bank.standards, path).problems == ()
    result = import_items(path, bank.standards, tree / "items", "moodle")
    assert result.problems == () and result.counts() == {"new": 0, "changed": 0, "unchanged": len(items)}


def test_moodle_categories_tags_and_fractions(items, bank, tmp_path):
    from lxml import etree

    path = tmp_path / "bank.xml"
    export_items("moodle", items, bank.standards, path)
    root = etree.parse(str(path)).getroot()
    item = next(i for i in items if i.type == "multiple" and len(i.options) == 5 and len(i.keys) == 2)
    question = root.xpath(f"question[idnumber='{item.id}']")[0]
    heading = question.xpath("preceding-sibling::question[@type='category'][1]/category/text/text()")[0]
    assert heading == f"$course$/{item.standard}/{bank.standards[item.standard].duty_code(item.task)}/{item.task}"
    tags = question.xpath("tags/tag/text/text()")
    assert tags[: len(item.competencies) + len(item.indicators)] == [*item.competencies, *item.indicators]
    assert f"status:{item.status}" in tags
    assert question.findtext("single") == "false"
    fractions = [a.get("fraction") for a in question.findall("answer")]
    assert fractions == ["50" if label in item.keys else "-40" for label, _ in item.options]
    assert question.findtext("generalfeedback/text") == item.rationale.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_moodle_bad_files_are_refused_with_lines(bank, tree):
    bad = tree / "bad.xml"
    bad.write_text("<quiz>\n<question type='multichoice'>\n</quiz>\n", encoding="utf-8")
    result = import_items(bad, bank.standards, tree / "items", "moodle")
    assert [(p.code, p.line) for p in result.problems] == [("moodle-xml", 3)]
    essay = tree / "essay.xml"
    essay.write_text("<quiz>\n<question type='essay'><name><text>x</text></name></question>\n</quiz>\n", encoding="utf-8")
    assert [(p.code, p.line) for p in import_items(essay, bank.standards, tree / "items", "moodle").problems] == [("moodle-content", 2)]


def test_gift_export_lists_what_it_drops_and_carries_the_rest(items, bank, tree):
    from questionbank.interchange import gift

    path = tree / "bank.gift"
    exported = export_items("gift", items, bank.standards, path)
    assert {p.path for p in exported.problems} >= {"competencies", "indicators", "status", "points", "tags"}
    assert {p.code for p in exported.problems} == {"export-field-dropped"}
    # without the bank, GIFT alone gives back every field it carries
    incoming, problems = gift.read_items(str(path), bank.standards, {})
    assert problems == []
    carried = {r.record["id"]: {k: r.record.get(k) for k in gift.CARRIED} for r in incoming}
    expected = {i.id: {k: item_record(i).get(k) for k in gift.CARRIED} for i in items}
    assert carried == expected
    # with the bank, items keep the fields GIFT lacks: the whole bank comes back unchanged
    result = import_items(path, bank.standards, tree / "items", "gift")
    assert result.problems == () and result.counts() == {"new": 0, "changed": 0, "unchanged": len(items)}


def test_gift_new_item_needs_the_fields_gift_lacks(bank, tree):
    path = tree / "new.gift"
    path.write_text(
        "$CATEGORY: $course$/KMC3332-002v1/T1/T1.1\n\n::KMC3332-002v1-NEW-9::全新題目？{=甲 ~乙 ~丙 ~丁 ####甲 正確。}\n\n::broken:: no answers\n",
        encoding="utf-8",
    )
    result = import_items(path, bank.standards, tree / "items", "gift")
    found = {(p.code, p.line) for p in result.problems}
    assert ("schema-required", 3) in found and ("gift-syntax", 5) in found
    assert result.refused and not (tree / "items" / "KMC3332-002v1" / "KMC3332-002v1-NEW-9.yaml").exists()


def test_gift_escapes_special_characters():
    from questionbank.interchange.gift import escape, unescape

    text = "a=b ~c #d {e} f:g \\h\nnext"
    assert unescape(escape(text)) == text and "\n" not in escape(text)


# CLI


def test_cli_export_and_import_every_format(tree, capsys, monkeypatch):
    monkeypatch.chdir(tree)
    for fmt, name in (("xlsx", "k.xlsx"), ("qti21", "k.zip"), ("moodle", "k.xml"), ("gift", "k.gift")):
        assert main(["export", "--format", fmt, "--standard", "KMC3332-002v1", "--status", "active", "-o", name]) == 0
        out = capsys.readouterr().out
        assert ("export-field-dropped" in out) == (fmt == "gift")
        assert main(["import", name, "--json"]) == 0
        assert '"unchanged": ' in capsys.readouterr().out
    assert main(["export", "--format", "xlsx", "--standard", "nope", "-o", "x.xlsx"]) == 2
    assert main(["import", "k.unknown"]) == 1


def test_xlsx_new_item_repeating_a_stem_of_the_bank_is_refused(bank, items, tree):
    first, other = select_items(items, "KMC3332-002v1")[:2]
    path = tree / "one.xlsx"
    export_items("xlsx", [first], bank.standards, path)  # the other item is only in the bank
    _edit(path, {"A2": "KMC3332-002v1-NEW-02", "G2": other.stem})
    result = import_items(path, bank.standards, tree / "items", "xlsx")
    assert [(p.code, p.path) for p in result.problems] == [("duplicate-stem", "items!G2")] and other.id in result.problems[0].message
    assert result.refused and result.written == ()


def test_xlsx_zip_bomb_is_refused_before_it_is_unpacked(bank, tree, monkeypatch):
    import zipfile

    from questionbank.interchange import xlsx

    monkeypatch.setattr(xlsx, "MAX_UNPACKED", 1024)
    bomb = tree / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("xl/worksheets/sheet1.xml", "<a/>" * 10_000)
    assert [p.code for p in import_items(bomb, bank.standards, tree / "items").problems] == ["xlsx-unreadable"]


def test_cli_import_json_is_the_library_result(bank, items, tree, capsys, monkeypatch):
    import json

    monkeypatch.chdir(tree)
    path = _book(bank, items, tree)
    _edit(path, {"C2": "T9.9", "G3": "改寫的題幹？"})
    assert main(["import", str(path), "--json"]) == 1
    printed = json.loads(capsys.readouterr().out)
    assert printed == import_items(path, bank.standards, "items", "xlsx").to_dict()
    assert printed["summary"]["errors"] == 1 and printed["summary"]["changed"] == 2 and printed["summary"]["written"] == 0
