"""Item analysis: hand-verified values on fixed data, and simulations with known truth (fixed seeds)."""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest

from questionbank.scoring import AnswerKey, Rules, ScoredItem, score
from questionbank.stats.analysis import analyze
from questionbank.stats.decisions import effective_length, fit_true_scores, livingston_lewis
from questionbank.stats.reliability import cronbach_alpha, lord_csem, standard_error
from questionbank.stats.subscores import prmse_total

ABCD = ("A", "B", "C", "D")
A, B, C, D = 1, 2, 4, 8  # response masks of one chosen label


def small_key(rules: Rules | None = None) -> AnswerKey:
    """Four single-choice items keyed A; duty P = items 1-2, duty Q = items 3-4."""
    items = [ScoredItem(f"i{n}", "single", ABCD, ("A",), 1.0, "P" if n <= 2 else "Q", "P.1" if n <= 2 else "Q.1") for n in range(1, 5)]
    return AnswerKey(items, rules or Rules())


# Five candidates; 0 = blank. Correct (1) / not (0):
#        i1 i2 i3 i4  total
#   c1    1  1  1  0    3   (i4: B)
#   c2    1  1  0  0    2   (i3: C, i4 blank)
#   c3    1  0  1  1    3   (i2: B)
#   c4    0  0  0  0    0   (i1 blank, i2: C, i3: D, i4: B)
#   c5    1  1  1  1    4
SMALL = np.array([[A, A, A, B], [A, A, C, 0], [A, B, A, A], [0, C, D, B], [A, A, A, A]], dtype=np.uint32)


def test_alpha_sem_and_csem_by_hand():
    # p = .8 .6 .6 .4; item variances p(1 − p) = .16 .24 .24 .24, sum .88.
    # totals 3 2 3 0 4: mean 2.4, squared deviations .36 .16 .36 5.76 2.56 = 9.2, variance 1.84.
    # KR-20 = 4/3 · (1 − .88/1.84) = 3.84/5.52 = 16/23.
    # SEM = √1.84 · √(1 − 16/23) = √(1.84 · 7/23) = √0.56.
    # CSEM at the 70% cut (2.8 of 4): √(2.8 · 1.2 / 3) = √1.12.
    scores = score(small_key(), SMALL)
    assert cronbach_alpha(scores.earned) == pytest.approx(16 / 23)
    assert standard_error(math.sqrt(1.84), 16 / 23) == pytest.approx(math.sqrt(0.56))
    assert lord_csem(2.8, 4.0, 4) == pytest.approx(math.sqrt(1.12))
    form = analyze(small_key(), SMALL).form
    assert (form.mean, form.sd, form.alpha, form.sem, form.cut_raw) == pytest.approx((2.4, math.sqrt(1.84), 16 / 23, math.sqrt(0.56), 2.8))
    assert form.csem_at_cut == pytest.approx(math.sqrt(1.12))
    assert form.distribution["raw"] == {"scores": [0.0, 2.0, 3.0, 4.0], "counts": [1, 1, 2, 1]}


def test_pass_rate_counts_totals_at_or_above_the_cut():
    # 70% of 4 is 2.8: totals 3, 3 and 4 pass, 2 and 0 fail
    assert analyze(small_key(), SMALL).form.pass_rate == pytest.approx(3 / 5)


def test_item_difficulty_discrimination_options_and_omits_by_hand():
    items = {i.id: i for i in analyze(small_key(), SMALL).items}
    assert [items[f"i{n}"].p for n in range(1, 5)] == pytest.approx([0.8, 0.6, 0.6, 0.4])
    # i1 = 1 1 1 0 1, rest = 2 1 2 0 3 (means .8, 1.6): cross products of deviations
    # .08 −.12 .08 1.28 .28 = 1.6 → cov .32; var(i1) .16; var(rest) 5.2/5 = 1.04; r = .32/√(.16·1.04) = .8/√1.04
    assert items["i1"].corrected_r == pytest.approx(0.8 / math.sqrt(1.04))
    # i4 = 0 0 1 0 1, rest = 3 2 2 0 3 (means .4, 2): cross products −.4 0 0 .8 .6 = 1 → cov .2;
    # var(i4) .24, var(rest) 6/5 = 1.2; r = .2/√.288
    assert items["i4"].corrected_r == pytest.approx(0.2 / math.sqrt(0.288))
    # i4: A by c3, c5 (totals 3, 4), B by c1, c4 (3, 0), c2 blank
    options = {o.label: o for o in items["i4"].options}
    assert (options["A"].count, options["A"].share, options["A"].mean_total, options["A"].key) == (2, 0.4, 3.5, True)
    assert (options["B"].count, options["B"].mean_total) == (2, 1.5)
    assert (options["C"].count, options["C"].mean_total) == (0, None)
    assert items["i4"].omit_rate == pytest.approx(0.2) and items["i1"].omit_rate == pytest.approx(0.2)
    assert items["i2"].omit_rate == 0.0


def test_prmse_by_hand():
    # duty P = i1 + i2 = 2 2 1 0 2: mean 1.4, var 3.2/5 = .64; item variances .16 + .24 = .40
    # alpha_P = 2 · (1 − .40/.64) = .75 = PRMSE_s.
    # other items o = i3 + i4 = 1 0 2 0 2 (mean 1): cov(s, o) = (0 − .6 − .4 + 1.4 + .6)/5 = .2;
    # var(x) = .64 + .8 + 2·.2 = 1.84. cov(τ_s, x) = .75·.64 + .2 = .68; var(τ_s) = .48;
    # PRMSE_x = .68² / (.48 · 1.84) = .4624/.8832.
    # duty Q = 1 0 2 0 2: var .8, item variances .24 + .24, alpha = 2(1 − .48/.8) = .8;
    # cov(τ_Q, x) = .8·.8 + .2 = .84, var(τ_Q) = .64: PRMSE_x = .7056/(.64 · 1.84) = .7056/1.1776.
    # true correlation P–Q = .2/√(.75·.64 · .8·.8) = .2/√.3072.
    duties = {s.duty: s for s in analyze(small_key(), SMALL).subscores}
    assert duties["P"].reliability == pytest.approx(0.75) and duties["P"].prmse_subscore == pytest.approx(0.75)
    assert duties["P"].prmse_total == pytest.approx(0.4624 / 0.8832)
    assert duties["Q"].reliability == pytest.approx(0.8) and duties["Q"].prmse_total == pytest.approx(0.7056 / 1.1776)
    assert duties["P"].true_correlation == pytest.approx(0.2 / math.sqrt(0.3072))
    assert duties["P"].reportable and duties["Q"].reportable
    assert prmse_total(0.75, 0.64, 0.2, 1.84) == pytest.approx(0.4624 / 0.8832)
    margin = analyze(small_key(), SMALL, margin=0.25).subscores
    assert [s.reportable for s in margin] == [False, False]  # .75 − .524 and .8 − .599 are both under .25


def test_partial_credit_p_is_mean_credit_over_points():
    # one 5-option multiple-response item keyed A C, 2 points, partial credit (n − 2k)/n:
    # A C → 2; A → 2·3/5 = 1.2; A B C D → 2·1/5 = .4; blank → 0. Mean 3.6/4 = .9 points, p = .45.
    items = [
        ScoredItem("m", "multiple", ("A", "B", "C", "D", "E"), ("A", "C"), 2.0, "P", "P.1"),
        ScoredItem("s", "single", ABCD, ("A",), 1.0, "P", "P.1"),
    ]
    key = AnswerKey(items, Rules(multiple="partial"))
    stats = analyze(key, np.array([[0b101, A], [0b1, A], [0b1111, B], [0, B]], dtype=np.uint32)).items[0]
    assert stats.mean_points == pytest.approx(0.9) and stats.p == pytest.approx(0.45)
    assert [o.count for o in stats.options] == [3, 1, 2, 1, 0]


def test_effective_length_and_moment_fit_by_hand():
    # Livingston & Lewis: ((20 − 0)(40 − 20) − .8·16) / (16 · .2) = 387.2/3.2 = 121
    assert effective_length(20.0, 16.0, 0.8, 0.0, 40.0) == 121
    # a symmetric beta(3, 3) on [0.1, 0.9]: mean .5, variance .8² · 3·3/((3 + 3)²(3 + 3 + 1)) = .64·9/252,
    # skewness 0, and for beta(a, a) the excess kurtosis is −6/(2a + 3) = −6/9
    model = fit_true_scores(0.5, 0.64 * 9 / (36 * 7), 0.0, 3 - 6 / 9)
    assert (model.alpha, model.beta, model.lower, model.upper, model.parameters) == pytest.approx((3, 3, 0.1, 0.9, 4))


def test_livingston_lewis_recovers_parallel_form_agreement():
    """Binomial items with known true proportions: two parallel administrations give the real
    consistency and accuracy; the estimate from the first administration alone must match."""
    rng = np.random.default_rng(7)
    people, n, cut = 8000, 40, 28
    tau = 0.15 + 0.8 * rng.beta(4, 2.5, people)
    first = rng.random((people, n)) < tau[:, None]
    second = rng.random((people, n)) < tau[:, None]
    x1, x2 = first.sum(axis=1), second.sum(axis=1)
    found = livingston_lewis(x1.astype(float), cronbach_alpha(first.astype(float)), float(n), float(cut))
    assert found.effective_length == pytest.approx(n, abs=3)
    assert found.model.parameters == 4
    assert found.consistency == pytest.approx(np.mean((x1 >= cut) == (x2 >= cut)), abs=0.02)
    assert found.accuracy == pytest.approx(np.mean((x1 >= cut) == (tau >= cut / n)), abs=0.02)
    assert found.expected_pass_rate == pytest.approx(np.mean(x1 >= cut), abs=0.02)
    assert 0 < found.kappa < 1 and found.accuracy == pytest.approx(1 - found.false_pass - found.false_fail)


def simulate(a, b, theta, rng, truth=None):
    """Four-option single-choice responses from a 2PL model; wrong answers pick a distractor at random."""
    p = 1 / (1 + np.exp(-a * (theta[:, None] - b)))
    correct = rng.random(p.shape) < p
    truth = np.zeros(len(a), dtype=int) if truth is None else truth
    wrong = (truth + rng.integers(1, 4, size=p.shape)) % 4
    return correct, (1 << np.where(correct, truth, wrong)).astype(np.uint32)


def test_flags_find_every_planted_fault_and_few_others():
    rng = np.random.default_rng(2026)
    people, n = 2000, 40
    a, b = rng.uniform(0.8, 2.0, n), rng.uniform(-1.5, 1.5, n)
    a[10] = -1.0  # planted: negatively discriminating
    truth = np.zeros(n, dtype=int)
    truth[5] = 1  # planted: B is right, the key says A
    _, responses = simulate(a, b, rng.normal(size=people), rng, truth)
    responses[:, 15] = A  # planted: everyone right
    blank = rng.random(people) < 0.3
    responses[blank, 20] = 0  # planted: 30% blanks
    key = AnswerKey([ScoredItem(f"i{k:02d}", "single", ABCD, ("A",), 1.0, "T1", "T1.1") for k in range(n)], Rules())
    flags = {(f.path, f.code) for f in analyze(key, responses).flags}
    planted = {("i05", "stat-possible-miskey"), ("i10", "stat-negative-discrimination"), ("i15", "stat-too-easy"), ("i20", "stat-high-omit")}
    assert planted <= flags
    assert ("i05", "stat-negative-discrimination") in flags  # a wrong key also discriminates negatively
    # the model's own p for the unplanted items, E[P(θ)] over θ ~ N(0, 1) on a fine grid: items
    # that are truly below 0.20 or above 0.95 are rightly flagged, not false alarms
    grid = np.linspace(-6, 6, 2401)
    weight = np.exp(-(grid**2) / 2) / np.exp(-(grid**2) / 2).sum()
    true_p = (weight[:, None] / (1 + np.exp(-a * (grid[:, None] - b)))).sum(axis=0)
    truly = {(f"i{k:02d}", "stat-too-hard") for k in np.flatnonzero(true_p < 0.2)} | {(f"i{k:02d}", "stat-too-easy") for k in np.flatnonzero(true_p > 0.95)}
    assert truly and truly <= flags  # this seed draws items with b > 1.3: each is found
    false_alarms = {(item, code) for item, code in flags if item not in {"i05", "i10", "i15", "i20"}} - truly
    assert len(false_alarms) <= 1, false_alarms


def duty_analysis(parts, rng, people=3000):
    """Subscores of a form whose duties are (name, items, correlation of its ability with the first duty's)."""
    general = rng.normal(size=people)
    blocks, duties = [], []
    for name, count, rho in parts:
        ability = rho * general + math.sqrt(1 - rho**2) * rng.normal(size=people)
        blocks.append(simulate(rng.uniform(0.8, 2.0, count), rng.uniform(-1.5, 1.5, count), ability, rng)[0])
        duties += [name] * count
    key = AnswerKey([ScoredItem(f"i{k:02d}", "single", ABCD, ("A",), 1.0, d, f"{d}.1") for k, d in enumerate(duties)], Rules())
    return {s.duty: s for s in analyze(key, np.where(np.hstack(blocks), A, B).astype(np.uint32)).subscores}


def test_prmse_rejects_a_short_duty_close_to_the_total():
    # 3 items on an ability correlated .95 with the one the 37 other items measure
    found = duty_analysis([("G", 37, 1.0), ("S", 3, 0.95)], np.random.default_rng(11))
    assert not found["S"].reportable and found["S"].prmse_total > found["S"].prmse_subscore + 0.1
    assert found["S"].true_correlation == pytest.approx(0.95, abs=0.06)


def test_prmse_accepts_a_long_duty_measuring_a_distinct_ability():
    # 30 items on an ability correlated .4 with the one the other 30 items measure
    found = duty_analysis([("G", 30, 1.0), ("L", 30, 0.4)], np.random.default_rng(12))
    assert found["L"].reportable and found["L"].prmse_subscore > found["L"].prmse_total + 0.1
    assert found["L"].true_correlation == pytest.approx(0.4, abs=0.06)


def test_degenerate_data_gives_none_not_errors():
    key = small_key()
    nobody = analyze(key, np.zeros((0, 4), dtype=np.uint32))
    assert nobody.form.candidates == 0 and nobody.decisions is None and nobody.items[0].p is None
    same = analyze(key, np.full((3, 4), A, dtype=np.uint32))  # every candidate right on everything
    assert same.form.alpha is None and same.form.sem is None and same.decisions is None
    assert {f.code for f in same.flags} == {"stat-too-easy"}
    assert json.loads(json.dumps(same.to_dict()))["items"][0]["corrected_r"] is None


def test_every_flag_code_is_in_the_catalog_with_chinese():
    from questionbank.problems import CATALOG

    codes = ("stat-too-hard", "stat-too-easy", "stat-low-discrimination", "stat-negative-discrimination", "stat-possible-miskey", "stat-high-omit")
    assert all(CATALOG[c].title_zh and CATALOG[c].hint_zh and CATALOG[c].severity.value == "warning" for c in codes)


def test_cli_analyze_json_csv_and_text_agree_with_the_library(tmp_path, capsys):
    from questionbank.cli import main
    from questionbank.delivery.publishing import prepare_form
    from questionbank.interchange.responses_csv import read_responses
    from questionbank.snapshots import answer_key
    from tests.conftest import ROOT

    bank = ["--standards", str(ROOT / "standards"), "--items", str(ROOT / "items")]
    assert main(["assemble", str(ROOT / "blueprints" / "KMC3332-002v1.yaml"), "--forms", "1", "-o", str(tmp_path / "forms"), "--format", "json", *bank]) == 0
    form_path = json.loads(capsys.readouterr().out)["forms"][0]["path"]
    from questionbank.checks.runner import load_bank

    prepared = prepare_form(form_path, load_bank(str(ROOT / "standards"), str(ROOT / "items"))[1])
    key = answer_key(prepared.snapshots, prepared.rules)
    rng = np.random.default_rng(5)
    theta = rng.normal(size=300)
    rows = ["candidate_id,item_id,answer"]
    for c, ability in enumerate(theta):
        for item in key.items:
            right = rng.random() < 1 / (1 + math.exp(-1.5 * (ability + 0.5)))
            answer = "".join(item.keys) if right else next(label for label in item.labels if label not in item.keys)
            rows.append(f"c{c},{item.id},{'O' if answer == 'T' else 'X' if answer == 'F' else answer}")
    responses = tmp_path / "r.csv"
    responses.write_text("\n".join(rows) + "\n", encoding="utf-8")
    table, _ = read_responses(str(responses), "r.csv", key)
    expected = json.loads(json.dumps(analyze(key, table.matrix).to_dict()))
    assert main(["analyze", form_path, str(responses), "--format", "json", *bank]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data.pop("form_id") == prepared.form["form_id"] and data == expected
    assert main(["analyze", form_path, str(responses), "--format", "csv", *bank]) == 0
    rows_out = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["item_id"] for r in rows_out] == key.ids
    assert float(rows_out[0]["p"]) == pytest.approx(expected["items"][0]["p"], abs=1e-4)
    assert main(["analyze", form_path, str(responses), *bank]) == 0
    text = capsys.readouterr().out
    assert f"{len(key.items)} item(s)" in text and "alpha (KR-20)" in text and "Livingston-Lewis" in text
    assert main(["analyze", form_path, *bank]) == 2
    assert main(["analyze", "--published", "x", form_path, str(responses)]) == 2
    assert main(["analyze", form_path, str(tmp_path / "missing.csv"), *bank]) == 1


def test_cli_analyze_published_counts_official_attempts_unless_asked(tmp_path, monkeypatch, capsys):
    from questionbank.checks.runner import validate_bank
    from questionbank.cli import main
    from questionbank.delivery import attempts, database, publishing, results
    from questionbank.snapshots import answer_key, snapshot
    from tests.conftest import ROOT

    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    monkeypatch.setenv("QBANK_DATABASE_URL", url)
    engine = database.connect(url)
    _, bank = validate_bank([ROOT / "standards", ROOT / "items"], standards_dir=ROOT / "standards", items_dir=ROOT / "items")
    standard = bank.standards["BAS2421-002v4"]
    active = [i for _, i in bank.items if i.standard == standard.id and i.status == "active"]
    snaps = [snapshot(i, standard) for i in active if i.type == "single"][:8] + [snapshot(i, standard) for i in active if i.type == "true_false"][:2]
    rng = np.random.default_rng(3)
    now = 1_800_000_000.0
    for kind in ("official", "practice"):
        publishing.publish(engine, kind, snaps, Rules(), kind=kind, standard=standard, title="測驗", time_limit_minutes=None, now=now)
        codes = publishing.issue_access_codes(engine, kind, [None] * 12, now=now) if kind == "official" else []
        for n in range(12):
            who = f"{kind}-{n}"
            token = attempts.start_official(engine, codes[n], who, now=now) if codes else attempts.start_practice(engine, kind, who, now=now)
            for q, snap in zip(attempts.state(engine, token, now=now).questions, snaps, strict=True):
                if q.type == "true_false":
                    right = snap["keys"][0] == "T"
                    attempts.save_answer(engine, token, q.position, right if rng.random() < 0.7 else not right, now=now)
                    continue
                key_text = dict(snap["options"])[snap["keys"][0]]
                right = next(label for label, text in q.options if text == key_text)
                wrong = [label for label, _ in q.options if label != right]
                attempts.save_answer(engine, token, q.position, right if rng.random() < 0.3 + n / 20 else str(rng.choice(wrong)), now=now)
            attempts.submit(engine, token, now=now + 60)
    ids, matrix, key = results.form_responses(engine, "official", ("official",))
    assert len(ids) == 12 and key.ids == answer_key(snaps, Rules()).ids
    expected = json.loads(json.dumps(analyze(key, matrix).to_dict()))
    assert main(["analyze", "--published", "official", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data.pop("form_id") == "official" and data == expected
    assert main(["analyze", "--published", "practice", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["form"]["candidates"] == 0
    assert main(["analyze", "--published", "practice", "--practice"]) == 0
    assert "12 candidate(s)" in capsys.readouterr().out
    assert main(["analyze", "--published", "nope"]) == 1
    assert "[form-unknown]" in capsys.readouterr().err
    # stored by item id and content hash; pooled over forms, weighted by candidates
    from questionbank.delivery.item_statistics import observed_difficulty

    assert main(["analyze", "--published", "official", "--store", "--format", "json"]) == 0
    assert "statistics of 10 item(s) stored" in capsys.readouterr().err
    stored = observed_difficulty(engine, min_responses=12)
    assert set(stored) == {(s["id"], s["sha256"]) for s in snaps}
    assert all(v["responses"] == 12 for v in stored.values())
    assert [stored[s["id"], s["sha256"]]["p"] for s in snaps] == pytest.approx([i["p"] for i in expected["items"]])
    assert main(["analyze", "--published", "practice", "--practice", "--store"]) == 0
    pooled = observed_difficulty(engine, min_responses=24)
    assert len(pooled) == 10 and all(v["responses"] == 24 for v in pooled.values())
    assert observed_difficulty(engine, min_responses=25) == {}
    assert main(["analyze", "--published", "official", "--store", "--format", "json"]) == 0  # replaces, never adds up
    assert all(v["responses"] == 24 for v in observed_difficulty(engine).values())
    engine.dispose()
