"""The cue and near-duplicate detector: measured on a labelled set from the bank, located
warnings, and enemies or dismissals silence a pair."""

from __future__ import annotations

from pathlib import Path

from questionbank.checks.runner import load_bank
from questionbank.checks.similarity import bigrams, read_dismissals, similarity_problems, suspects
from tests.similarity_cases import evaluate

ROOT = Path(__file__).resolve().parent.parent


def _bank():
    return load_bank(ROOT / "standards", ROOT / "items")[1]


def test_precision_and_recall_on_the_labelled_set():
    figures = evaluate([item for _, item in _bank().items], count=100)
    assert figures["recall"] >= 0.9, figures
    assert figures["precision"] >= 0.9, figures


def test_digits_alone_do_not_make_words_in_common():
    assert bigrams("1,483,200 元") == frozenset({"0元"})
    assert bigrams("報名 表") == frozenset({"報名", "名表"})


def test_a_planted_cue_is_reported_at_the_stem_and_enemies_or_a_dismissal_silence_it(tmp_path):
    import dataclasses

    bank = _bank()
    entries = [(d, i) for d, i in bank.items if i.standard == "BAS2421-002v4"]
    (_, source), (host_doc, host) = entries[0], entries[10]
    key = dict(source.options)[source.keys[0]]
    leaky = dataclasses.replace(host, stem=f"已知{key}。{host.stem}", enemies=())
    swapped = [(d, leaky if i.id == host.id else i) for d, i in entries]
    found = [p for p in similarity_problems(swapped, {}) if source.id in p.message]
    assert [(p.code, p.file, p.line) for p in found] == [("item-possible-cue", host_doc.file, host_doc.locate(("stem",))[0])]
    with_enemy = [(d, dataclasses.replace(leaky, enemies=(source.id,)) if i.id == host.id else i) for d, i in swapped]
    assert [p for p in similarity_problems(with_enemy, {}) if source.id in p.message] == []
    tsv = tmp_path / "similar-pairs.tsv"
    tsv.write_text(f"# dismissed after review\n{source.id}\t{host.id}\t同一情境不同決策，答案不互相洩漏\nbroken line\n", encoding="utf-8")
    dismissed, problems = read_dismissals(tsv)
    assert [p.line for p in problems] == [3]
    assert [p for p in similarity_problems(swapped, dismissed) if source.id in p.message] == []


def test_the_shipped_bank_has_no_unresolved_suspect():
    bank = _bank()
    dismissed, problems = read_dismissals(ROOT / "items" / "similar-pairs.tsv")
    assert problems == []
    assert [(p.file, p.message[:60]) for p in similarity_problems(bank.items, dismissed)] == []
    assert len(suspects(item for _, item in bank.items)) >= 1  # the detector does see the confirmed pair


def test_a_standard_too_large_for_pairwise_comparison_is_said_not_checked(monkeypatch):
    from questionbank.checks import similarity

    bank = _bank()
    entries = [(d, i) for d, i in bank.items if i.standard == "BAS2421-002v4"]
    monkeypatch.setattr(similarity, "MAX_GROUP", 100)
    found = similarity.similarity_problems(entries, {})
    assert ([p.code for p in found] == ["similarity-not-checked"] and "240" in found[0].message) or "items" in found[0].message
