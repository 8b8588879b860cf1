"""IMS QTI 2.1 content packages (zip): one ``assessmentItem`` per item and an ``imsmanifest.xml``.

Item XML (``items/<id>.xml``): the stem is the ``prompt`` of a ``choiceInteraction``
(``maxChoices="1"`` for single choice and true/false, ``0`` for multiple response); options are
``simpleChoice`` elements keeping our labels as identifiers (true/false: ``T`` 正確 and ``F``
錯誤); the key is the ``correctResponse``; ``MAXSCORE`` is the item's points; the rationale is a
``modalFeedback`` shown after response processing.

Scoring (``responseProcessing``): single choice and true/false give ``MAXSCORE`` on a match.
Multiple response gives our partial credit, points × max(0, (n − 2k)/n) with n options and k
wrong selections (keys missed plus non-keys chosen), written with standard QTI expressions:
since (n − 2k)/n = c + (2/n)·(keys chosen) − (2/n)·(non-keys chosen) with c = 1 − 2K/n (K keys),
the ``mapping`` gives +2p/n to each key and −2p/n to each non-key, and
``SCORE = sum(c·p, mapResponse)`` where the mapping's ``lowerBound`` −c·p makes the sum
max(0, …) and its ``upperBound`` 2Kp/n caps it at p. An empty response maps to 0 and scores
max(0, c)·p, as k = K does.

The manifest gives each item resource IMS LOM metadata (imsmd 1.2): the standard, duty and task
as a classification path (purpose Discipline; the duty is the category), K/S/A codes (purpose
Competency), indicators (Educational Objective) and the cognitive level (Skill Level), tags as
keywords, revision as version, status and author in lifecycle, difficulty in educational,
enemies and set as relations; and ``qtiMetadata``. Every item field travels, so an export
imported again gives the same items.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path
from typing import Any

from questionbank.interchange.transfer import ExportResult, Incoming, Place
from questionbank.items import Item
from questionbank.problems import Problem, problem
from questionbank.standards import Standard

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
MD = "http://www.imsglobal.org/xsd/imsmd_v1p2"
QMD = "http://www.imsglobal.org/xsd/imsqti_metadata_v2p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ITEM_LOCATION = f"{QTI} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
MANIFEST_LOCATION = (
    f"{CP} http://www.imsglobal.org/xsd/imscp_v1p1.xsd {MD} http://www.imsglobal.org/xsd/imsmd_v1p2p4.xsd "
    f"{QMD} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_metadata_v2p1.xsd"
)
TRUE_FALSE = (("T", "正確"), ("F", "錯誤"))
VOCABULARY = "qbank"
MAX_PACKAGE_BYTES = 256 * 1024 * 1024
_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")


def _number(value: Fraction | float) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def item_xml(item: Item) -> bytes:
    """The assessmentItem of one item (UTF-8 XML)."""
    from lxml import etree

    q = f"{{{QTI}}}"
    root = etree.Element(q + "assessmentItem", nsmap={None: QTI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", ITEM_LOCATION)
    root.set("identifier", item.id)
    root.set("title", item.id)
    root.set("adaptive", "false")
    root.set("timeDependent", "false")
    root.set(XML_LANG, "zh-TW")
    points = Fraction(item.points).limit_denominator(10**6)
    choices = TRUE_FALSE if item.type == "true_false" else item.options
    response = etree.SubElement(root, q + "responseDeclaration", identifier="RESPONSE", baseType="identifier")
    response.set("cardinality", "multiple" if item.type == "multiple" else "single")
    correct = etree.SubElement(response, q + "correctResponse")
    for key in item.keys:
        etree.SubElement(correct, q + "value").text = key
    if item.type == "multiple":
        n, keys = len(choices), len(item.keys)
        step = Fraction(2, n) * points
        constant = (1 - Fraction(2 * keys, n)) * points
        mapping = etree.SubElement(response, q + "mapping", lowerBound=_number(-constant), upperBound=_number(step * keys), defaultValue="0")
        for label, _ in choices:
            etree.SubElement(mapping, q + "mapEntry", mapKey=label, mappedValue=_number(step if label in item.keys else -step))
    for name, default in (("SCORE", None), ("MAXSCORE", points)):
        outcome = etree.SubElement(root, q + "outcomeDeclaration", identifier=name, cardinality="single", baseType="float")
        if default is not None:
            etree.SubElement(etree.SubElement(outcome, q + "defaultValue"), q + "value").text = _number(default)
    etree.SubElement(root, q + "outcomeDeclaration", identifier="FEEDBACK", cardinality="single", baseType="identifier")
    body = etree.SubElement(root, q + "itemBody")
    interaction = etree.SubElement(body, q + "choiceInteraction", responseIdentifier="RESPONSE", shuffle="false")
    interaction.set("maxChoices", "0" if item.type == "multiple" else "1")
    etree.SubElement(interaction, q + "prompt").text = item.stem
    for label, text in choices:
        etree.SubElement(interaction, q + "simpleChoice", identifier=label).text = text
    processing = etree.SubElement(root, q + "responseProcessing")
    if item.type == "multiple":
        score = etree.SubElement(processing, q + "setOutcomeValue", identifier="SCORE")
        total = etree.SubElement(score, q + "sum")
        etree.SubElement(total, q + "baseValue", baseType="float").text = _number(constant)
        etree.SubElement(total, q + "mapResponse", identifier="RESPONSE")
    else:
        condition = etree.SubElement(processing, q + "responseCondition")
        when = etree.SubElement(condition, q + "responseIf")
        match = etree.SubElement(when, q + "match")
        etree.SubElement(match, q + "variable", identifier="RESPONSE")
        etree.SubElement(match, q + "correct", identifier="RESPONSE")
        etree.SubElement(etree.SubElement(when, q + "setOutcomeValue", identifier="SCORE"), q + "variable", identifier="MAXSCORE")
        otherwise = etree.SubElement(condition, q + "responseElse")
        etree.SubElement(etree.SubElement(otherwise, q + "setOutcomeValue", identifier="SCORE"), q + "baseValue", baseType="float").text = "0"
    feedback = etree.SubElement(processing, q + "setOutcomeValue", identifier="FEEDBACK")
    etree.SubElement(feedback, q + "baseValue", baseType="identifier").text = "RATIONALE"
    etree.SubElement(root, q + "modalFeedback", outcomeIdentifier="FEEDBACK", identifier="RATIONALE", showHide="show").text = item.rationale
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _langstring(parent: Any, tag: str, text: str) -> Any:
    from lxml import etree

    element = etree.SubElement(parent, f"{{{MD}}}{tag}")
    etree.SubElement(element, f"{{{MD}}}langstring").text = text
    return element


def _vocabulary(parent: Any, tag: str, source: str, value: str) -> Any:
    from lxml import etree

    element = etree.SubElement(parent, f"{{{MD}}}{tag}")
    _langstring(element, "source", source)
    _langstring(element, "value", value)
    return element


def _classification(lom: Any, purpose: str, paths: list[tuple[str, list[tuple[str, str]]]]) -> None:
    from lxml import etree

    if not paths:
        return
    element = etree.SubElement(lom, f"{{{MD}}}classification")
    _vocabulary(element, "purpose", "LOMv1.0", purpose)
    for source, taxa in paths:
        path = etree.SubElement(element, f"{{{MD}}}taxonpath")
        _langstring(path, "source", source)
        for code, name in taxa:
            taxon = etree.SubElement(path, f"{{{MD}}}taxon")
            etree.SubElement(taxon, f"{{{MD}}}id").text = code
            _langstring(taxon, "entry", name)


def _lom(item: Item, standard: Standard | None) -> Any:
    from lxml import etree

    m = f"{{{MD}}}"
    lom = etree.Element(m + "lom")
    general = etree.SubElement(lom, m + "general")
    etree.SubElement(general, m + "identifier").text = item.id
    _langstring(general, "title", item.id)
    for tag in item.tags:
        _langstring(general, "keyword", tag)
    lifecycle = etree.SubElement(lom, m + "lifecycle")
    if item.revision is not None:
        _langstring(lifecycle, "version", str(item.revision))
    _vocabulary(lifecycle, "status", VOCABULARY, item.status)
    if item.author is not None:
        contribute = etree.SubElement(lifecycle, m + "contribute")
        _vocabulary(contribute, "role", "LOMv1.0", "Author")
        etree.SubElement(etree.SubElement(contribute, m + "centity"), m + "vcard").text = f"BEGIN:VCARD\nVERSION:3.0\nFN:{item.author}\nEND:VCARD"
    if item.difficulty is not None:
        _vocabulary(etree.SubElement(lom, m + "educational"), "difficulty", VOCABULARY, item.difficulty)
    relations = [("enemy", enemy) for enemy in item.enemies] + ([("set", item.set)] if item.set else [])
    for kind, target in relations:
        relation = etree.SubElement(lom, m + "relation")
        _vocabulary(relation, "kind", VOCABULARY, kind)
        etree.SubElement(etree.SubElement(relation, m + "resource"), m + "identifier").text = target
    duty = standard.duty_of(item.task) if standard else None
    task = standard.tasks.get(item.task) if standard else None
    taxa = ([(duty.code, duty.name)] if duty else []) + [(item.task, task.name if task else "")]
    _classification(lom, "Discipline", [(item.standard, taxa)])
    names = (lambda code: standard.competency_name(code, duty) or "") if standard else (lambda code: "")
    _classification(lom, "Competency", [(item.standard, [(code, names(code))]) for code in item.competencies])
    indicators = {p.code: p.text for p in task.indicators} if task else {}
    _classification(lom, "Educational Objective", [(item.standard, [(code, indicators.get(code, ""))]) for code in item.indicators])
    if item.cognitive_level is not None:
        _classification(lom, "Skill Level", [(VOCABULARY, [(item.cognitive_level, item.cognitive_level)])])
    return lom


def manifest_xml(items: list[Item], standards: dict[str, Standard]) -> bytes:
    """The imsmanifest.xml listing every item with its metadata."""
    from lxml import etree

    c = f"{{{CP}}}"
    root = etree.Element(c + "manifest", nsmap={None: CP, "imsmd": MD, "imsqti": QMD, "xsi": XSI}, identifier="MANIFEST-qbank")
    root.set(f"{{{XSI}}}schemaLocation", MANIFEST_LOCATION)
    metadata = etree.SubElement(root, c + "metadata")
    etree.SubElement(metadata, c + "schema").text = "QTIv2.1 Package"
    etree.SubElement(metadata, c + "schemaversion").text = "1.0.0"
    etree.SubElement(root, c + "organizations")
    resources = etree.SubElement(root, c + "resources")
    for item in items:
        href = f"items/{item.id}.xml"
        resource = etree.SubElement(resources, c + "resource", identifier=f"RES-{item.id}", type="imsqti_item_xmlv2p1", href=href)
        meta = etree.SubElement(resource, c + "metadata")
        meta.append(_lom(item, standards.get(item.standard)))
        qti = etree.SubElement(meta, f"{{{QMD}}}qtiMetadata")
        for tag, text in (("timeDependent", "false"), ("interactionType", "choiceInteraction"), ("feedbackType", "nonadaptive"), ("solutionAvailable", "true")):
            etree.SubElement(qti, f"{{{QMD}}}{tag}").text = text
        etree.SubElement(qti, f"{{{QMD}}}toolName").text = "qbank"
        etree.SubElement(resource, c + "file", href=href)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export_items(items: list[Item], standards: dict[str, Standard], output: str) -> ExportResult:
    """A QTI 2.1 content package (zip) of ``items``; ids that are not XML names are refused."""
    import io
    import zipfile

    from questionbank.files import write_atomic

    bad = [i for i in items if not _NCNAME.match(i.id)]
    if bad:
        found = tuple(problem("qti-content", i.file, None, None, f"id '{i.id}' is not an XML name; QTI identifiers start with a letter", "id") for i in bad)
        return ExportResult((), 0, found)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("imsmanifest.xml", manifest_xml(items, standards))
        for item in items:
            package.writestr(f"items/{item.id}.xml", item_xml(item))
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    write_atomic(output, buffer.getvalue())
    return ExportResult((output,), len(items))


def _parser() -> Any:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True)


def read_items(path: str, standards: dict[str, Standard], existing: dict[str, Path]) -> tuple[list[Incoming], list[Problem]]:
    """The items of a package written by :func:`export_items` (or one shaped like it)."""
    import zipfile

    from lxml import etree

    from questionbank.files import ReadRefused, read_regular_file

    try:
        raw = read_regular_file(path, MAX_PACKAGE_BYTES)
    except ReadRefused as exc:
        return [], [problem(exc.code, path, None, None, f"{exc.reason}; give a QTI 2.1 zip package")]
    import io

    try:
        package = zipfile.ZipFile(io.BytesIO(raw))
        names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return [], [problem("qti-package", path, None, None, f"not a zip file ({exc}); give the .zip package")]
    if sum(info.file_size for info in package.infolist()) > MAX_PACKAGE_BYTES:
        return [], [problem("qti-package", path, None, None, "the package unpacks to more than 256 MiB; it is not an item package")]

    def parse(member: str) -> tuple[Any, list[Problem]]:
        try:
            return etree.fromstring(package.read(member), _parser()), []
        except etree.XMLSyntaxError as exc:
            line = exc.position[0] if exc.position else None
            return None, [problem("qti-xml", path, line, None, f"{member}: {exc.msg}", member)]
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            return None, [problem("qti-package", path, None, None, f"{member} cannot be read ({exc})", member)]

    if "imsmanifest.xml" not in names:
        return [], [problem("qti-package", path, None, None, "no imsmanifest.xml at the top of the package", "imsmanifest.xml")]
    manifest, problems = parse("imsmanifest.xml")
    if manifest is None:
        return [], problems
    incoming: list[Incoming] = []
    resources = manifest.findall(f"{{{CP}}}resources/{{{CP}}}resource")
    if not resources:
        return [], [problem("qti-package", path, manifest.sourceline, None, "the manifest lists no resource", "imsmanifest.xml")]
    for resource in resources:
        href = resource.get("href") or ""
        if not resource.get("type", "").startswith("imsqti_item_xmlv2p"):
            continue
        if href not in names:
            problems.append(
                problem("qti-package", path, resource.sourceline, None, f"the manifest names {href or 'no file'}, which the package lacks", "imsmanifest.xml")
            )
            continue
        element, found = parse(href)
        problems.extend(found)
        if element is None:
            continue
        record, fields, found = _item_record(element, path, href)
        meta, meta_fields, more = _metadata(resource, path)
        problems.extend(found + more)
        record.update(meta)
        incoming.append(Incoming(record, Place(path, element.sourceline, None, href), {**meta_fields, **fields}))
    return incoming, problems


def _item_record(root: Any, path: str, member: str) -> tuple[dict[str, Any], dict[str, Place], list[Problem]]:
    q = f"{{{QTI}}}"
    problems: list[Problem] = []

    def at(element: Any) -> Place:
        return Place(path, element.sourceline, None, member)

    def bad(element: Any, message: str) -> None:
        problems.append(problem("qti-content", path, element.sourceline, None, message, member))

    if root.tag != q + "assessmentItem":
        bad(root, f"the root element is {root.tag}, not a QTI 2.1 assessmentItem")
        return {}, {}, problems
    record: dict[str, Any] = {"id": root.get("identifier", "")}
    fields = {"id": at(root)}
    interactions = root.findall(f"{q}itemBody/{q}choiceInteraction")
    declaration = root.find(f"{q}responseDeclaration")
    if len(interactions) != 1 or declaration is None:
        bad(root, "the item needs exactly one choiceInteraction and its responseDeclaration")
        return record, fields, problems
    interaction = interactions[0]
    prompt = interaction.find(q + "prompt")
    if prompt is not None:
        record["stem"] = "".join(prompt.itertext())
        fields["stem"] = at(prompt)
    choices = [(c.get("identifier", ""), "".join(c.itertext()), c) for c in interaction.findall(q + "simpleChoice")]
    keys = [v.text or "" for v in declaration.findall(f"{q}correctResponse/{q}value")]
    fields["answer"] = at(declaration)
    if [label for label, _, _ in choices] == [label for label, _ in TRUE_FALSE]:
        record["type"] = "true_false"
        record["answer"] = keys == ["T"] if keys in (["T"], ["F"]) else keys
    else:
        record["type"] = "multiple" if declaration.get("cardinality") == "multiple" else "single"
        record["options"] = {label: text for label, text, _ in choices}
        for label, _, element in choices:
            fields[f"options.{label}"] = at(element)
        record["answer"] = keys if record["type"] == "multiple" else (keys[0] if len(keys) == 1 else keys)
    fields["type"] = at(interaction)
    fields["options"] = at(interaction)
    feedback = root.find(q + "modalFeedback")
    if feedback is not None:
        record["rationale"] = "".join(feedback.itertext())
        fields["rationale"] = at(feedback)
    maxscore = root.find(f"{q}outcomeDeclaration[@identifier='MAXSCORE']/{q}defaultValue/{q}value")
    if maxscore is not None:
        try:
            value = float(maxscore.text or "")
            record["points"] = int(value) if value.is_integer() else value
        except ValueError:
            bad(maxscore, f"MAXSCORE '{maxscore.text}' is not a number")
        fields["points"] = at(maxscore)
    return record, fields, problems


def _texts(element: Any, xpath: str) -> list[Any]:
    return element.xpath(xpath, namespaces={"md": MD, "cp": CP})


def _metadata(resource: Any, path: str) -> tuple[dict[str, Any], dict[str, Place], list[Problem]]:
    """The item fields carried by a resource's LOM metadata."""
    lom_list = _texts(resource, "cp:metadata/md:lom")
    if not lom_list:
        return (
            {},
            {},
            [problem("qti-content", path, resource.sourceline, None, "the resource has no imsmd:lom metadata (standard, task, codes)", "imsmanifest.xml")],
        )
    lom = lom_list[0]
    here = Place(path, lom.sourceline, None, "imsmanifest.xml")
    record: dict[str, Any] = {}

    def first(xpath: str) -> str | None:
        found = _texts(lom, xpath)
        return found[0] if found else None

    tags = _texts(lom, "md:general/md:keyword/md:langstring/text()")
    if tags:
        record["tags"] = [str(t) for t in tags]
    version = first("md:lifecycle/md:version/md:langstring/text()")
    if version is not None:
        record["revision"] = int(version) if version.strip().isdigit() else str(version)
    status = first("md:lifecycle/md:status/md:value/md:langstring/text()")
    if status is not None:
        record["status"] = str(status)
    vcard = first("md:lifecycle/md:contribute/md:centity/md:vcard/text()")
    if vcard is not None:
        match = re.search(r"^FN:(.*)$", str(vcard), re.MULTILINE)
        if match:
            record["author"] = match.group(1)
    difficulty = first("md:educational/md:difficulty/md:value/md:langstring/text()")
    if difficulty is not None:
        record["difficulty"] = str(difficulty)
    for relation in _texts(lom, "md:relation"):
        kind = _texts(relation, "md:kind/md:value/md:langstring/text()")
        target = _texts(relation, "md:resource/md:identifier/text()")
        if kind and target and kind[0] == "enemy":
            record.setdefault("enemies", []).append(str(target[0]))
        elif kind and target and kind[0] == "set":
            record["set"] = str(target[0])
    for classification in _texts(lom, "md:classification"):
        purpose = _texts(classification, "md:purpose/md:value/md:langstring/text()")
        paths = [
            (str((_texts(p, "md:source/md:langstring/text()") or [""])[0]), [str(t) for t in _texts(p, "md:taxon/md:id/text()")])
            for p in _texts(classification, "md:taxonpath")
        ]
        purpose = purpose[0] if purpose else ""
        if purpose == "Discipline" and paths:
            record["standard"], taxa = paths[0]
            if taxa:
                record["task"] = taxa[-1]
        elif purpose == "Competency":
            record["competencies"] = [taxa[-1] for _, taxa in paths if taxa]
        elif purpose == "Educational Objective":
            record["indicators"] = [taxa[-1] for _, taxa in paths if taxa]
        elif purpose == "Skill Level" and paths and paths[0][1]:
            record["cognitive_level"] = paths[0][1][-1]
    fields = dict.fromkeys(
        ("standard", "task", "competencies", "indicators", "status", "author", "revision", "tags", "enemies", "set", "difficulty", "cognitive_level"), here
    )
    return record, fields, []
