"""Documents: a YAML file read safely, as plain data plus the node tree that locates every value.

Everything that can go wrong with bytes on disk (size, encoding, tabs, syntax, nesting,
aliases, duplicate keys, exotic tags) becomes a :class:`~questionbank.problems.Problem`;
nothing here raises on bad input.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import yaml

from questionbank.problems import Problem, problem

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
# Above this size, or with many brackets, nesting depth is measured from the event stream
# first: libyaml's composer recurses in C and crashes the process on extreme nesting.
_SCAN_THRESHOLD = 8 * 1024

_STR = "tag:yaml.org,2002:str"
_YAML11_BOOLEANS = frozenset({"y", "yes", "n", "no", "on", "off", "true", "false"})


class Document:
    """A parsed YAML file: ``data`` (plain Python values) and ``root`` (nodes with positions).

    The node tree is composed only when a position is asked for, so valid files cost no more
    than a plain load.
    """

    __slots__ = ("__dict__", "data", "file", "text")

    def __init__(self, file: str, data: Any, text: str = "", root: yaml.Node | None = None) -> None:
        self.file = file
        self.data = data
        self.text = text
        if root is not None:
            self.__dict__["root"] = root

    @cached_property
    def root(self) -> yaml.Node | None:
        try:
            return yaml.compose(self.text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            return None

    def locate(self, path: tuple[Any, ...] | list[Any], key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value at ``path``, or of its key when ``key`` is true.

        Falls back to the nearest existing parent when the path does not exist (for a missing
        key that is the mapping that lacks it).
        """
        node = self.root
        if node is None:
            return (1, 1)
        mark = node.start_mark
        for part in path:
            if isinstance(node, yaml.MappingNode):
                found = None
                for key_node, value_node in node.value:
                    if key_node.value == part or (not isinstance(part, str) and key_node.value == str(part)):
                        found = (key_node, value_node)
                        break
                if found is None:
                    break
                mark = found[0].start_mark if key else found[1].start_mark
                node = found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                mark = node.start_mark
            else:
                break
        return (mark.line + 1, mark.column + 1)

    def position(self, index: int) -> tuple[int, int]:
        """1-based (line, column) of character ``index`` of the file's text."""
        line = self.text.count("\n", 0, index) + 1
        return line, index - (self.text.rfind("\n", 0, index) + 1) + 1

    def node(self, path: tuple[Any, ...] | list[Any]) -> yaml.Node | None:
        """The node at ``path``, or None when the path does not exist."""
        node = self.root
        for part in path:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
            else:
                return None
        return node


def read_document(path: str) -> tuple[Document | None, list[Problem]]:
    """Read and parse one YAML file. Returns the document (None if unusable) and all problems found."""
    from questionbank.files import ReadRefused, read_regular_file

    try:
        raw = read_regular_file(path, MAX_FILE_BYTES)
    except ReadRefused as exc:
        what = {
            "file-not-found": "check the path",
            "file-too-large": f"bank files are at most {MAX_FILE_BYTES:,} bytes; check it is the right file",
            "file-unreadable": "give a readable regular file",
        }[exc.code]
        return None, [problem(exc.code, path, 1, 1, f"{exc.reason}; {what}")]
    return parse_document(path, raw)


def parse_document(file: str, raw: bytes) -> tuple[Document | None, list[Problem]]:
    """Parse YAML bytes that came from ``file`` (used for locations only)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(raw, exc.start)
        return None, [problem("not-utf8", file, line, column, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8")]
    if text.startswith("\ufeff"):
        text = text[1:]
    problems: list[Problem] = []
    if "\t" in text:
        problems.extend(_tab_problems(file, text))
    if not text.strip() or _only_comments(text):
        problems.append(problem("empty-file", file, 1, 1, "the file has no content; write the YAML mapping or delete the file"))
        return None, problems
    if (len(text) > _SCAN_THRESHOLD or text.count("[") + text.count("{") > MAX_DEPTH) and not _depth_ok(file, text, problems):
        return None, problems
    loader = _Loader(file, text)
    try:
        data = loader.get_single_data()
    except yaml.composer.ComposerError as exc:
        if "single document" in f"{exc.context} {exc.problem}" and exc.problem_mark is not None:
            mark = exc.problem_mark
            problems.append(
                problem("yaml-multiple-documents", file, mark.line + 1, mark.column + 1, "a second YAML document starts here; keep one document per file")
            )
        else:
            problems.append(_syntax_problem(file, exc))
        return None, problems
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(file, exc))
        return None, problems
    except yaml.reader.ReaderError as exc:
        problems.append(_reader_problem(file, text, exc))
        return None, problems
    except yaml.YAMLError as exc:  # e.g. a reader error without a mark
        problems.append(problem("yaml-syntax", file, 1, 1, f"{exc}; fix the YAML syntax"))
        return None, problems
    finally:
        loader.dispose()
    if data is None and not loader.had_root:
        problems.append(problem("empty-file", file, 1, 1, "the file has no content; write the YAML mapping or delete the file"))
        return None, problems
    if loader.aliased:
        problems.extend(_alias_problems(file, text))
    problems.extend(loader.problems)
    return Document(file=file, data=data, text=text), problems


class _Loader(yaml.CSafeLoader):
    """libyaml's safe loader that records, instead of hiding, duplicate keys, aliases and odd tags."""

    def __init__(self, file: str, text: str) -> None:
        super().__init__(text)
        self.file = file
        self.problems: list[Problem] = []
        self.aliased = False
        self.had_root = False

    def construct_document(self, node: yaml.Node) -> Any:
        self.had_root = True
        return super().construct_document(node)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        value = super().construct_yaml_float(node)
        if value != value or value in (float("inf"), float("-inf")):  # NaN is the one value unequal to itself
            mark = node.start_mark
            self.problems.append(
                problem("value-not-finite", self.file, mark.line + 1, mark.column + 1, f"{node.value} is not a finite number; write a number such as 1 or 0.5")
            )
        return value

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # A node met a second time was reached through an alias (or is recursive).
        if node in self.constructed_objects or node in self.recursive_objects:
            self.aliased = True
            return None
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:  # type: ignore[override]
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=deep)
        seen: set[Any] = set()
        kept = []
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in (_STR, "tag:yaml.org,2002:int"):
                self.problems.append(problem("yaml-key-not-text", self.file, mark.line + 1, mark.column + 1, "this key is not plain text; write keys as text"))
                continue
            if key_node.value in seen:
                self.problems.append(
                    problem(
                        "yaml-duplicate-key",
                        self.file,
                        mark.line + 1,
                        mark.column + 1,
                        f"key '{key_node.value}' already appears in this mapping; remove or rename one of them",
                    )
                )
                continue
            seen.add(key_node.value)
            kept.append((key_node, value_node))
        node.value = kept
        return super().construct_mapping(node, deep=deep)

    def construct_undefined(self, node: yaml.Node) -> Any:
        mark = node.start_mark
        self.problems.append(
            problem("yaml-unsupported-tag", self.file, mark.line + 1, mark.column + 1, f"tag {node.tag} is not allowed; remove it and write a plain value")
        )
        return None


_Loader.add_constructor(None, _Loader.construct_undefined)


def is_yaml11_boolean(node: yaml.Node | None) -> bool:
    """True for a plain (unquoted) scalar that YAML 1.1 reads as a boolean, such as ``no``."""
    return isinstance(node, yaml.ScalarNode) and not node.style and node.tag == "tag:yaml.org,2002:bool" and node.value.lower() in _YAML11_BOOLEANS


def _alias_problems(file: str, text: str) -> list[Problem]:
    """One problem where each alias is used (the composed nodes only remember the anchor)."""
    found = []
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            found.append(
                problem(
                    "yaml-alias",
                    file,
                    mark.line + 1,
                    mark.column + 1,
                    f"alias *{event.anchor} repeats a value; write the value out instead of using anchors and aliases",
                )
            )
    return found


def _depth_ok(file: str, text: str, problems: list[Problem]) -> bool:
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    problems.append(
                        problem(
                            "yaml-too-deep",
                            file,
                            mark.line + 1,
                            mark.column + 1,
                            f"the YAML nests more than {MAX_DEPTH} levels here; bank files need only a few",
                        )
                    )
                    return False
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(file, exc))
        return False
    except yaml.YAMLError as exc:
        problems.append(problem("yaml-syntax", file, 1, 1, f"{exc}; fix the YAML syntax"))
        return False
    return True


def _reader_problem(file: str, text: str, exc: yaml.reader.ReaderError) -> Problem:
    """A character YAML refuses (NUL, other controls), at its own line and column."""
    index = min(max(exc.position, 0), len(text))
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    return problem("yaml-syntax", file, line, column, f"control character U+{code:04X} is not allowed in YAML; delete it (the file may not be plain text)")


def _syntax_problem(file: str, exc: yaml.MarkedYAMLError) -> Problem:
    if exc.context and "quoted scalar" in exc.context and exc.context_mark is not None:
        # the parser gives up where the text ends; the fault is the quote that was never closed
        mark = exc.context_mark
        return problem("yaml-syntax", file, mark.line + 1, mark.column + 1, "this quote is never closed; end the text with the same quote mark")
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    what = exc.problem or "syntax error"
    # libyaml 0.2.6 (PyYAML >= 6.0.4) has its own nesting limit and raises a scanner error
    # before our event scan reaches MAX_DEPTH: it is the same fault, so the same code.
    if "nesting depth" in what:
        return problem("yaml-too-deep", file, line, column, f"the YAML nests too deeply here; bank files need only a few levels (at most {MAX_DEPTH})")
    context = f" ({exc.context})" if exc.context else ""
    return problem("yaml-syntax", file, line, column, f"{what}{context}; fix the YAML syntax here")


def _tab_problems(file: str, text: str) -> list[Problem]:
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        column = line.find("\t")
        if column >= 0:
            found.append(problem("tab-character", file, number, column + 1, "replace the tab with spaces"))
    return found


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    start = before.rfind(b"\n") + 1
    column = len(before[start:].decode("utf-8", errors="replace")) + 1
    return line, column


_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)
