"""Regenerate the lock files from pyproject.toml (``make lock``).

Why uv (``uv pip compile``) rather than pip-tools: it resolves in about a second, writes
pip-compatible requirement files with ``--generate-hashes`` (so installing needs nothing but
pip: ``pip install --require-hashes -r requirements.lock``), and resolves for the whole
``requires-python`` range and every platform at once (``--universal``), so the lock made on one
machine is the lock for every machine.

Each lock starts with a line ``# inputs-sha256: …``: the hash of the dependency lists it was
made from. ``tests/test_lock.py`` recomputes it, so a change to pyproject.toml without
``make lock`` fails the suite.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = {"requirements.lock": [], "requirements-dev.lock": ["--extra", "dev"]}


def inputs_fingerprint(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """sha256 of what the locks depend on: requires-python, dependencies and the dev extra."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    inputs = {
        "requires-python": project.get("requires-python", ""),
        "dependencies": sorted(project.get("dependencies", [])),
        "dev": sorted(project.get("optional-dependencies", {}).get("dev", [])),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def main() -> int:
    uv = Path(sys.executable).with_name("uv")
    command = [str(uv) if uv.exists() else "uv", "pip", "compile", "pyproject.toml", "--quiet", "--generate-hashes", "--universal", "--python-version", "3.11"]
    header = f"# inputs-sha256: {inputs_fingerprint()}\n"
    for name, extra in LOCKS.items():
        result = subprocess.run([*command, *extra, "--no-header"], cwd=ROOT, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            sys.stderr.write(result.stderr)
            return result.returncode
        (ROOT / name).write_text(
            header + "# made by `make lock` (tools/lock.py: uv pip compile --generate-hashes --universal)\n" + result.stdout, encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
