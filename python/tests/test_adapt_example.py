"""README "Online mixture adaptation", run as written: the example's publish and adapt.py commands (out/ mapped to a
temporary folder, a --log added). ODM must move weight from the source the model has learnt to the one whose loss
stays high, and the last link must replay the rows the run read; no loss value is asserted."""

import json
import os
import subprocess
from xml.etree import ElementTree

import numpy as np
import pytest

from conftest import REPO, published_trainer, readme_blocks, readme_command


@pytest.fixture(scope="session")
def adapted(tmp_path_factory):
    publish, run = readme_blocks("## Online mixture adaptation", "## Sampling: exact, random access, resumable")[0][0]
    out = str(tmp_path_factory.mktemp("out"))
    library = published_trainer(publish, out)
    words, env = readme_command(run, out)
    log = os.path.join(out, "adapt.json")
    result = subprocess.run(words + ["--log", log], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-4000:]
    return library, result.stdout, json.load(open(log))


def test_odm_moves_weight_from_the_learnt_source_to_the_noisy_one(adapted):
    _, output, log = adapted
    decisions = log["decisions"]
    assert len(decisions) >= 8, output
    names = [s["name"] for s in decisions[0]["statistics"]]
    memorisable, noisy = names.index("memorisable"), names.index("noisy")
    base = decisions[0]["statistics"][memorisable]["weight"], decisions[0]["statistics"][noisy]["weight"]
    last = decisions[-1]
    losses = [s["meanLoss"] for s in last["statistics"]]
    # What the model sees: the memorisable source is learnt, the noisy one is not.
    assert losses[memorisable] == min(losses) and losses[noisy] == max(losses), output
    # ODM's rule: weight follows the loss.
    assert last["weights"][noisy] > base[1] and last["weights"][memorisable] < base[0], output
    assert last["weights"][noisy] > last["weights"][names.index("structured")] > last["weights"][memorisable], output
    # One table per decision, with every source.
    assert output.count("decision ") >= len(decisions)
    for name in names:
        assert output.count(f"  {name} ") >= len(decisions), output


def test_the_last_link_replays_the_rows_the_run_read(adapted):
    library, output, log = adapted
    import recipe_runtime as rr

    replay = rr.load(library).from_json(log["last"])
    assert os.path.basename(log["last"]) == f"three-sources.{len(log['decisions'])}.recipe.json"
    sources, ordinals = replay.plan(0, len(log["source_ids"]))
    np.testing.assert_array_equal(sources, log["source_ids"])
    np.testing.assert_array_equal(ordinals, log["ordinals"])
    assert "replays the" in output and ": yes" in output
    # The replay differs from the base recipe's stream after the first switch: the decisions are in it.
    base_sources, _ = rr.load(library)["three-sources"].plan(0, len(log["source_ids"]))
    switch = log["decisions"][0]["switchSample"]
    np.testing.assert_array_equal(base_sources[:switch], sources[:switch])
    assert (base_sources[switch:] != sources[switch:]).any()


def test_recipe_plan_of_the_last_link_shows_each_decision_and_the_plot_marks_it(adapted, built, tmp_path):
    _, _, log = adapted
    svg = tmp_path / "odm.svg"
    result = subprocess.run(["dotnet", built["cli"], "plan", log["last"], "--plot", str(svg)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:]
    decisions = log["decisions"]
    lines = [line.split() for line in result.stdout.splitlines()]
    assert f"chain: {len(decisions) + 1} recipes; each decides the mix of its span of the run" in result.stdout
    for decision in decisions:
        # The chain table's row of each link: number, name, from, to, first sample (the decision's switch point).
        row = [words for words in lines if len(words) == 5 and words[:2] == [str(decision["number"]), f"three-sources.{decision['number']}"]]
        assert row and row[0][4] == f"{decision['switchSample']:,}", (decision, row)
    texts = [(element.text or "").strip() for element in ElementTree.parse(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert f"#{len(decisions)}" in texts, texts
    assert any(f"{len(decisions)} switches in dark red" in text for text in texts), texts
