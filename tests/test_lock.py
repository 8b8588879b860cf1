"""The install cannot drift: the locks match pyproject.toml and the environment matches the locks."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
_PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;\\]+)(?:\s*;\s*([^\\]+?))?\s*\\?$")


def _lock_tool():
    spec = importlib.util.spec_from_file_location("lock_tool", ROOT / "tools" / "lock.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pins(name: str) -> dict[str, str]:
    """Locked versions that apply to this interpreter and platform."""
    pins = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match and (match.group(3) is None or Marker(match.group(3)).evaluate()):
            pins[canonicalize_name(match.group(1).split("[")[0])] = match.group(2)
    return pins


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_lock_was_made_from_this_pyproject(lock):
    first = (ROOT / lock).read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# inputs-sha256: {_lock_tool().inputs_fingerprint()}", "pyproject.toml changed: run `make lock`"


@pytest.mark.parametrize(("lock", "extra"), [("requirements.lock", False), ("requirements-dev.lock", True)])
def test_every_declared_dependency_is_locked_within_its_range(lock, extra):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = list(project["dependencies"]) + (project["optional-dependencies"]["dev"] if extra else [])
    pins = _pins(lock)
    wrong = {}
    for text in declared:
        requirement = Requirement(text)
        version = pins.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            wrong[requirement.name] = version
    assert wrong == {}


def test_installed_versions_equal_the_lock():
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    differ = {name: (version, installed.get(name)) for name, version in _pins("requirements-dev.lock").items() if installed.get(name) != version}
    assert differ == {}, "the environment is not the lock's: run `make test` (it reinstalls from requirements-dev.lock)"
