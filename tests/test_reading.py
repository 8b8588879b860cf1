"""Reading refuses what is not a regular file and never trusts a size: a gate must not pass on files nobody read."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from questionbank.cli import main
from questionbank.files import ReadRefused, read_regular_file

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "items" / "BAS2421-002v4" / "BAS2421-002v4-T1.1-01.yaml"


def validate_json(paths, capsys):
    code = main(["validate", *map(str, paths), "--format", "json", "--standards", str(ROOT / "standards")])
    problems = json.loads(capsys.readouterr().out)["problems"]
    return code, [(p["code"], Path(p["file"]).name, p["line"]) for p in problems]


def test_a_dangling_link_is_an_error_not_zero_files(tmp_path, capsys):
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nothing.yaml")
    code, rows = validate_json([tmp_path / "gone.yaml"], capsys)
    assert code == 1 and rows == [("file-not-found", "gone.yaml", 1)]


def test_a_link_to_itself_in_a_folder_is_reported(tmp_path, capsys):
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    code, rows = validate_json([tmp_path], capsys)
    assert code == 1 and ("file-not-found", "loop.yaml", 1) in rows


def test_a_folder_named_like_a_file_with_nothing_in_it_is_an_error(tmp_path, capsys):
    (tmp_path / "x.yaml").mkdir()
    code, rows = validate_json([tmp_path / "x.yaml"], capsys)
    assert code == 1 and rows == [("no-yaml-files", "x.yaml", None)]


def test_an_empty_folder_given_explicitly_is_an_error(tmp_path, capsys):
    code, rows = validate_json([tmp_path], capsys)
    assert code == 1 and [r[0] for r in rows] == ["no-yaml-files"]


def test_an_unlistable_folder_is_a_problem(tmp_path, capsys, monkeypatch):
    # root reads every folder, so the refusal is simulated where os.walk lists the folder
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.yaml").write_bytes(GOOD.read_bytes())
    real = os.scandir

    def scandir(path="."):
        if str(path).endswith("sub"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, rows = validate_json([tmp_path], capsys)
    assert code == 1 and ("folder-unreadable", "sub", None) in rows


def test_dev_zero_is_refused_without_reading_it():
    with pytest.raises(ReadRefused) as err:
        read_regular_file("/dev/zero", 1024)
    assert err.value.code == "file-unreadable"


def test_a_fifo_does_not_hang(tmp_path, capsys):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("rows", validate_json([fifo], capsys)))
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), "validate hung on a FIFO"
    code, rows = result["rows"]
    assert code == 1 and rows == [("file-unreadable", "pipe.yaml", 1)]


def test_the_cap_is_on_bytes_read_not_the_reported_size(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a" * 2049)
    with pytest.raises(ReadRefused) as err:
        read_regular_file(big, 2048)
    assert err.value.code == "file-too-large"
    assert read_regular_file(big, 4096) == b"a" * 2049


def test_a_folder_passed_as_a_file_reader_is_refused(tmp_path):
    with pytest.raises(ReadRefused) as err:
        read_regular_file(tmp_path, 10)
    assert err.value.code == "file-unreadable"
