"""Text rules shared by every kind of file: Simplified characters with the Taiwan form to write."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from questionbank.documents import Document
from questionbank.problems import Problem, format_path, problem


@cache
def _simplified_pattern() -> re.Pattern[str]:
    # CC-CEDICT (via zhon) lists the characters of each script; those used only in
    # Simplified writing are the ones Taiwan text must not contain. Characters shared by both
    # scripts (台, 了, 周…) are fine, which a plain s2t round trip would wrongly flag.
    from zhon import cedict

    only_simplified = set(cedict.simplified) - set(cedict.traditional)
    return re.compile("[" + "".join(sorted(only_simplified)) + "]")


@cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("s2twp")


def _is_invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cf", "Cc") and char not in "\n\t"


@cache
def _invisible_pattern() -> re.Pattern[str]:
    # every control and format character (categories Cc, Cf) but newline and tab, as one class:
    # one regex search per file instead of a Python call per character
    # the Basic Multilingual Plane, and the few format characters beyond it (tags U+E0000..E007F,
    # musical and shorthand format controls)
    points = [*range(0xD800), *range(0xE000, 0x10000), 0x110BD, 0x110CD, *range(0x1BCA0, 0x1BCA4), *range(0x1D173, 0x1D17B), *range(0xE0000, 0xE0080)]
    chars = [chr(c) for c in points if _is_invisible(chr(c))]
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]")


def invisible_problems(document: Document) -> list[Problem]:
    """Invisible characters (zero-width space, joiners, bidi marks) in keys and text: a warning
    where they hide inside text, an error when a text is nothing but them and spaces."""
    if not _invisible_pattern().search(document.text):
        return []
    found: list[Problem] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(document.data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            for key, child in value.items():
                if isinstance(key, str) and any(_is_invisible(c) for c in key):
                    line, column = document.locate((*path, key), key=True)
                    found.append(
                        problem(
                            "text-invisible-character",
                            document.file,
                            line,
                            column,
                            f"the key {key!r} has invisible characters; type it again",
                            format_path((*path, key)),
                        )
                    )
                stack.append((child, (*path, key)))
        elif isinstance(value, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(value))
        elif isinstance(value, str) and any(_is_invisible(c) for c in value):
            line, column = document.locate(path)
            if not any(not _is_invisible(c) and not c.isspace() for c in value):
                found.append(
                    problem(
                        "text-invisible-only",
                        document.file,
                        line,
                        column,
                        "this text is only invisible characters and spaces; write the text",
                        format_path(path),
                    )
                )
            else:
                where = next(i for i, c in enumerate(value) if _is_invisible(c))
                found.append(
                    problem(
                        "text-invisible-character",
                        document.file,
                        line,
                        column,
                        f"invisible character U+{ord(value[where]):04X} after '{value[max(0, where - 8) : where]}'; delete it",
                        format_path(path),
                    )
                )
    return found


def simplified_problems(document: Document) -> list[Problem]:
    """A warning for each Simplified-only character in the document's text values, with the Taiwan form."""
    pattern = _simplified_pattern()
    if not pattern.search(document.text):
        return []
    found: list[Problem] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(document.data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            stack.extend((v, (*path, k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(value))
        elif isinstance(value, str) and pattern.search(value):
            found.extend(_simplified_in_value(document, value, path, pattern))
    return found


def _simplified_in_value(document: Document, value: str, path: tuple[Any, ...], pattern: re.Pattern[str]) -> list[Problem]:
    node = document.node(path)
    start = node.start_mark.index if node is not None else 0
    end = node.end_mark.index if node is not None else len(document.text)
    source = document.text[start:end]
    converted = _converter().convert(value)
    found = []
    cursor = 0
    for match in pattern.finditer(value):
        char = match.group()
        # the n-th occurrence in the value is the n-th in the source slice (CJK is never escaped)
        at = source.find(char, cursor)
        cursor = at + 1 if at >= 0 else cursor
        line, column = document.position(start + at) if at >= 0 else document.locate(path)
        suggestion = converted[match.start()] if len(converted) == len(value) else ""
        hint = f"; write '{suggestion}'" if suggestion and suggestion != char else ""
        found.append(
            problem(
                "simplified-chinese",
                document.file,
                line,
                column,
                f"'{char}' is a Simplified character{hint} (Traditional Chinese as used in Taiwan)",
                format_path(path),
            )
        )
    return found


_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Text folded for duplicate detection: NFKC, case-folded, without spacing, punctuation or symbols."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())
