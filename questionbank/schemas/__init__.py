"""JSON Schemas shipped as package data, and schema errors turned into located problems."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from questionbank.documents import Document, is_yaml11_boolean
from questionbank.problems import Problem, format_path, problem

SCHEMA_NAMES = ("standard", "item", "blueprint", "form")

_CODES = {
    "required": "schema-required",
    "additionalProperties": "schema-unknown-key",
    "propertyNames": "schema-pattern",
    "type": "schema-type",
    "enum": "schema-enum",
    "const": "schema-enum",
    "pattern": "schema-pattern",
    "minLength": "schema-too-short",
    "minItems": "schema-too-short",
    "minProperties": "schema-too-short",
    "maxLength": "schema-too-long",
    "maxItems": "schema-too-long",
    "maxProperties": "schema-too-long",
    "uniqueItems": "schema-not-unique",
    "minimum": "schema-out-of-range",
    "maximum": "schema-out-of-range",
    "exclusiveMinimum": "schema-out-of-range",
    "exclusiveMaximum": "schema-out-of-range",
}

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "empty (null)",
}


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema named ``name`` (standard, item or blueprint) from the package data."""
    text = resources.files("questionbank.schemas").joinpath(f"{name}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@cache
def _fast_check(name: str) -> Any:
    import fastjsonschema

    return fastjsonschema.compile(load_schema(name))


def schema_problems(document: Document, name: str) -> list[Problem]:
    """Every schema violation of ``document`` against schema ``name``, located in the YAML."""
    import fastjsonschema

    # The compiled validator answers "valid?" an order of magnitude faster; only invalid
    # documents pay for jsonschema's complete, located error list.
    try:
        _fast_check(name)(document.data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    found: list[Problem] = []
    for error in _validator(name).iter_errors(document.data):
        found.extend(_to_problems(document, error, load_schema(name)))
    return sorted(set(found))


def _to_problems(document: Document, error: Any, root: dict[str, Any]) -> list[Problem]:
    path = tuple(error.absolute_path)
    validator = error.validator
    instance = error.instance
    file = document.file
    if validator in ("anyOf", "oneOf") and error.context:
        # Report the branch whose type matched the value: its error is the specific one.
        typed = [e for e in error.context if e.validator != "type"] or list(error.context)
        return _to_problems(document, max(typed, key=lambda e: len(e.absolute_path)), root)
    if validator == "required" and isinstance(instance, dict):
        missing = [key for key in error.validator_value if key not in instance]
        line, column = document.locate(path)
        where = f"in '{format_path(path)}'" if path else "at the top level"
        return [
            problem("schema-required", file, line, column, f"required key '{key}' is missing {where}; add it", format_path((*path, key))) for key in missing
        ]
    if validator == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        out = []
        for key in instance:
            if key not in known:
                line, column = document.locate((*path, key), key=True)
                hint = _closest(str(key), known)
                suggestion = f"; did you mean '{hint}'?" if hint else f"; allowed keys: {', '.join(sorted(known))}"
                if not known:
                    suggestion = "; no further keys are allowed here"
                out.append(problem("schema-unknown-key", file, line, column, f"unknown key '{key}'{suggestion}", format_path((*path, key))))
        return out
    if validator == "propertyNames":
        line, column = document.locate((*path, instance), key=True)
        return [
            problem(
                "schema-pattern",
                file,
                line,
                column,
                f"key '{instance}' is not allowed here (expected a form matching {error.schema.get('pattern', 'the format')}); rename it",
                format_path((*path, instance)),
            )
        ]
    if error.schema is False:
        # jsonschema reports a property forbidden by a `false` subschema without its name;
        # recover it from the "properties" mapping the schema path points into.
        keys = _false_schema_keys(error, document, path, root)
        out = []
        for key in keys:
            line, column = document.locate((*path, key), key=True)
            out.append(problem("schema-unknown-key", file, line, column, f"'{key}' is not used for this kind of item; remove it", format_path((*path, key))))
        return out
    if "propertyNames" in error.absolute_schema_path:
        line, column = document.locate((*path, instance), key=True)
        return [
            problem(
                "schema-pattern",
                file,
                line,
                column,
                f"key '{instance}' is not allowed here (expected the form {error.validator_value}); rename it",
                format_path((*path, instance)),
            )
        ]
    line, column = document.locate(path)
    where = format_path(path)
    if validator == "type":
        node = document.node(path)
        expected = error.validator_value
        expected_list = expected if isinstance(expected, list) else [expected]
        if "string" in expected_list and is_yaml11_boolean(node):
            return [
                problem(
                    "yaml-boolean-as-text",
                    file,
                    line,
                    column,
                    f"unquoted {node.value!r} is read as a boolean; write it in quotes ('{node.value}') to keep it as text",
                    where,
                )
            ]
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in expected_list)
        hint = "; put the value in quotes" if "string" in expected_list else ""
        return [problem("schema-type", file, line, column, f"'{where or 'document'}' must be {wanted}, not {_describe(instance)}{hint}", where)]
    if validator in ("enum", "const"):
        allowed = error.validator_value if validator == "enum" else [error.validator_value]
        return [problem("schema-enum", file, line, column, f"'{where}' is {instance!r}; allowed: {', '.join(map(str, allowed))}", where)]
    if validator == "pattern":
        return [
            problem(
                "schema-pattern",
                file,
                line,
                column,
                f"'{where}' is empty or only spaces; write the text"
                if error.validator_value == "\\S"
                else f"'{where}' is {instance!r}, which does not have the required form ({error.validator_value})",
                where,
            )
        ]
    code = _CODES.get(validator, "schema-invalid")
    return [problem(code, file, line, column, f"'{where or 'document'}': {error.message}", where)]


def _false_schema_keys(error: Any, document: Document, path: tuple[Any, ...], root: dict[str, Any]) -> list[Any]:
    schema_path = list(error.absolute_schema_path)
    if schema_path and schema_path[-1] == "properties":
        schema: Any = root
        for part in schema_path:
            schema = schema[part]
        instance = _data_at(document.data, path)
        if isinstance(schema, dict) and isinstance(instance, dict):
            return [key for key, sub in schema.items() if sub is False and key in instance]
    return [path[-1]] if path else []


def _data_at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _describe(value: Any) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value!r}"


def _closest(word: str, candidates: set[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None
