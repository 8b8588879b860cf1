"""Moodle XML (question bank import/export format): one ``<quiz>`` of questions by category.

Categories are ``$course$/<standard>/<duty>/<task>``. Single choice is ``multichoice`` with
``single=true``, multiple response ``multichoice`` with ``single=false``, true/false
``truefalse``. Options keep their order (``answernumbering`` ``ABCD``, no shuffling), so the
labels are their positions. The rationale is the ``generalfeedback``, points the
``defaultgrade``, the id the ``name`` and ``idnumber``.

Tags carry the rest: each K/S/A code and indicator as a tag of its own (``K20``, ``P1.1.1``);
the other fields as prefixed tags (``level:apply``, ``difficulty:medium``, ``status:active``,
``author:…``, ``revision:2``, ``enemy:<id>``, ``set:<id>``, ``tag:<free tag>``).

Moodle scores a multiple-response question as the sum of the fractions of the chosen answers,
clamped to 0–100%. Keys get 100/K % each (K keys) and every other option −200/n % (n options),
which equals our rule points × max(0, (n − 2k)/n) whenever all keys are chosen, and for every
response when K = n/2; otherwise a missed key costs 1/K in Moodle and 2/n in ours (see
docs/interchange.md for the table).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from questionbank.interchange.transfer import ExportResult, Incoming, Place
from questionbank.items import Item
from questionbank.problems import Problem, problem
from questionbank.standards import Standard, natural_order

PREFIXED = (("cognitive_level", "level"), ("difficulty", "difficulty"), ("status", "status"), ("author", "author"), ("revision", "revision"), ("set", "set"))
MAX_BYTES = 256 * 1024 * 1024


def category(item: Item, standards: dict[str, Standard]) -> str:
    """``$course$/<standard>/<duty>/<task>`` (the duty from the standard's tree)."""
    standard = standards.get(item.standard)
    duty = standard.duty_code(item.task) if standard else ""
    return "/".join(part for part in ("$course$", item.standard, duty, item.task) if part)


def _fraction(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def multiple_fractions(n: int, keys: int) -> tuple[float, float]:
    """Moodle fractions (percent) for a key and for a non-key of a multiple-response item."""
    return 100 / keys, -200 / n


def tags_of(item: Item) -> list[str]:
    tags = [*item.competencies, *item.indicators]
    for field, prefix in PREFIXED:
        value = getattr(item, field)
        if value is not None:
            tags.append(f"{prefix}:{value}")
    tags += [f"enemy:{enemy}" for enemy in item.enemies]
    tags += [f"tag:{tag}" for tag in item.tags]
    return tags


def quiz_xml(items: list[Item], standards: dict[str, Standard]) -> bytes:
    from lxml import etree

    root = etree.Element("quiz")
    current = None

    def text(parent: Any, tag: str, value: str, fmt: str | None = "html") -> Any:
        element = etree.SubElement(parent, tag, format=fmt) if fmt else etree.SubElement(parent, tag)
        etree.SubElement(element, "text").text = html.escape(value, quote=False) if fmt == "html" else value
        return element

    ordered = sorted(items, key=lambda i: (i.standard, natural_order(i.task), i.id))
    for item in ordered:
        path = category(item, standards)
        if path != current:
            head = etree.SubElement(root, "question", type="category")
            text(head, "category", path, None)
            current = path
        kind = "truefalse" if item.type == "true_false" else "multichoice"
        question = etree.SubElement(root, "question", type=kind)
        text(question, "name", item.id, None)
        text(question, "questiontext", item.stem)
        text(question, "generalfeedback", item.rationale)
        points = item.points
        etree.SubElement(question, "defaultgrade").text = str(int(points)) if float(points).is_integer() else repr(points)
        etree.SubElement(question, "penalty").text = "0"
        etree.SubElement(question, "hidden").text = "0"
        etree.SubElement(question, "idnumber").text = item.id
        if item.type == "true_false":
            for word, value in (("true", True), ("false", False)):
                answer = etree.SubElement(question, "answer", fraction="100" if item.answer == value else "0", format="moodle_auto_format")
                etree.SubElement(answer, "text").text = word
                text(answer, "feedback", "")
        else:
            etree.SubElement(question, "single").text = "true" if item.type == "single" else "false"
            etree.SubElement(question, "shuffleanswers").text = "false"
            etree.SubElement(question, "answernumbering").text = "ABCD"
            key_value, other = multiple_fractions(len(item.options), len(item.keys)) if item.type == "multiple" else (100.0, 0.0)
            for label, option in item.options:
                answer = text(question, "answer", option)
                answer.set("fraction", _fraction(key_value if label in item.keys else other))
                text(answer, "feedback", "")
        tags = etree.SubElement(question, "tags")
        for tag in tags_of(item):
            etree.SubElement(etree.SubElement(tags, "tag"), "text").text = tag
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export_items(items: list[Item], standards: dict[str, Standard], output: str) -> ExportResult:
    from questionbank.files import write_atomic

    Path(output).parent.mkdir(parents=True, exist_ok=True)
    write_atomic(output, quiz_xml(items, standards))
    return ExportResult((output,), len(items))


def read_items(path: str, standards: dict[str, Standard], existing: dict[str, Path]) -> tuple[list[Incoming], list[Problem]]:
    """The questions of a Moodle XML file as item records (standard and task from the category)."""
    from lxml import etree

    from questionbank.files import ReadRefused, read_regular_file

    try:
        raw = read_regular_file(path, MAX_BYTES)
    except ReadRefused as exc:
        return [], [problem(exc.code, path, None, None, f"{exc.reason}; give a Moodle XML file")]
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        return [], [problem("moodle-xml", path, line, None, exc.msg)]
    if root.tag != "quiz":
        return [], [problem("moodle-xml", path, root.sourceline, None, f"the root element is <{root.tag}>, not <quiz>")]
    incoming: list[Incoming] = []
    problems: list[Problem] = []
    where: tuple[str, str, Place] | None = None
    for question in root.findall("question"):
        kind = question.get("type")
        if kind == "category":
            parts = (question.findtext("category/text") or "").strip().split("/")
            at = Place(path, question.sourceline, None, "category")
            where = (parts[1], parts[-1], at) if len(parts) >= 3 else None
            if where is None:
                problems.append(problem("moodle-content", path, question.sourceline, None, "a category names no $course$/<standard>/…/<task> path"))
            continue
        if kind not in ("multichoice", "truefalse"):
            problems.append(
                problem("moodle-content", path, question.sourceline, None, f"question type '{kind}' has no equivalent in the bank (multichoice or truefalse)")
            )
            continue
        record, fields = _question(question, path, standards, where)
        incoming.append(Incoming(record, Place(path, question.sourceline, None, "question"), fields))
    return incoming, problems


def _question(question: Any, path: str, standards: dict[str, Standard], where: tuple[str, str, Place] | None) -> tuple[dict[str, Any], dict[str, Place]]:
    def at(element: Any) -> Place:
        return Place(path, element.sourceline if element is not None else question.sourceline, None, "question")

    def html_text(tag: str) -> str | None:
        element = question.find(f"{tag}/text")
        if element is None:
            return None
        value = "".join(element.itertext())
        return html.unescape(value) if question.find(tag).get("format", "html") == "html" else value

    record: dict[str, Any] = {"id": (question.findtext("idnumber") or question.findtext("name/text") or "").strip()}
    fields = {"id": at(question.find("name"))}
    if where is not None:
        record["standard"], record["task"] = where[0], where[1]
        fields["standard"] = fields["task"] = where[2]
    for key, tag in (("stem", "questiontext"), ("rationale", "generalfeedback")):
        value = html_text(tag)
        if value is not None:
            record[key] = value
            fields[key] = at(question.find(tag))
    grade = question.findtext("defaultgrade")
    if grade is not None:
        try:
            number = float(grade)
            record["points"] = int(number) if number.is_integer() else number
        except ValueError:
            record["points"] = grade
        fields["points"] = at(question.find("defaultgrade"))
    answers = question.findall("answer")
    fields["answer"] = at(answers[0] if answers else None)

    def credit(answer: Any) -> float:
        try:
            return float(answer.get("fraction", "0"))
        except ValueError:
            return 0.0

    if question.get("type") == "truefalse":
        record["type"] = "true_false"
        right = [(a.findtext("text") or "").strip().lower() for a in answers if credit(a) > 0]
        if right in (["true"], ["false"]):
            record["answer"] = right == ["true"]
    else:
        single = (question.findtext("single") or "true").strip().lower() in ("true", "1")
        record["type"] = "single" if single else "multiple"
        labels = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        options = {}
        keys = []
        for index, answer in enumerate(answers):
            label = labels[index] if index < len(labels) else f"X{index}"
            text_element = answer.find("text")
            value = "".join(text_element.itertext()) if text_element is not None else ""
            options[label] = html.unescape(value) if answer.get("format", "html") == "html" else value
            fields[f"options.{label}"] = at(answer)
            if credit(answer) > 0:
                keys.append(label)
        record["options"] = options
        fields["options"] = fields["answer"]
        record["answer"] = keys if not single else (keys[0] if len(keys) == 1 else keys)
    _tags(question, record, fields, standards, at)
    return record, fields


def _tags(question: Any, record: dict[str, Any], fields: dict[str, Place], standards: dict[str, Standard], at: Any) -> None:
    standard = standards.get(record.get("standard", ""))
    competency_codes = set(standard.attitude_codes) | {e.code for d in standard.duties for e in (*d.knowledge, *d.skills)} if standard else set()
    indicator_codes = {p.code for t in standard.tasks.values() for p in t.indicators} if standard else set()
    prefixes = {prefix: field for field, prefix in PREFIXED}
    record["competencies"] = []
    for element in question.findall("tags/tag"):
        tag = (element.findtext("text") or "").strip()
        prefix, _, value = tag.partition(":")
        place = at(element)
        if value and prefix in prefixes:
            field = prefixes[prefix]
            record[field] = int(value) if field == "revision" and value.isdigit() else value
            fields[field] = place
        elif value and prefix in ("enemy", "tag"):
            field = "enemies" if prefix == "enemy" else "tags"
            record.setdefault(field, []).append(value)
            fields.setdefault(field, place)
        elif tag in indicator_codes or (tag not in competency_codes and tag.startswith("P")):
            fields[f"indicators[{len(record.setdefault('indicators', []))}]"] = place
            record["indicators"].append(tag)
            fields.setdefault("indicators", place)
        else:
            fields[f"competencies[{len(record['competencies'])}]"] = place
            record["competencies"].append(tag)
            fields.setdefault("competencies", place)
