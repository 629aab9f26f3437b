"""Online mixture adaptation from Python: ODM decisions written as continuation links, a dataset (and its DataLoader
workers) following them exactly, the last link replaying the run, a restart taking the chain up at its checkpoint,
and bad input refused by name. The two-rank gloo run is test_adaptation_distributed below."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

import recipe_runtime as rr
from conftest import JSON_RECIPE
from recipe_runtime.torch import RecipeDataset

# A model that finds code (source 1) hardest and web (source 0) easiest: ODM moves weight to code.
LOSS = torch.tensor([1.0, 3.0, 2.0])
BATCH = 8
LAG = (2 * 2 + 1) * BATCH  # two workers, prefetch_factor 2, one batch more


def train(lib, data_root, chain, workers=2, stop=None, adapter_state=None, data_state=None):
    """The rows read, the adapter, and its state and the batch state after `stop` batches."""
    recipe = lib.from_json(JSON_RECIPE)
    adapter = rr.MixAdapter(recipe, chain, policy="odm", every_samples=400, lag_samples=LAG)
    if adapter_state is not None:
        adapter.load_state_dict(adapter_state)
    dataset = RecipeDataset(recipe, data_root, batch_size=BATCH, chain_dir=chain)
    if data_state is not None:
        dataset.load_state_dict(data_state)
    loader = DataLoader(dataset, batch_size=None, num_workers=workers, timeout=120 if workers else 0)
    sources, ordinals, checkpoint = [], [], None
    for index, batch in enumerate(loader):
        sources.append(batch["source_ids"].numpy().copy())
        ordinals.append(batch["ordinals"].numpy().copy())
        adapter.update(batch["source_ids"], LOSS[batch["source_ids"].long()])
        adapter.step(batch["state"]["nextSample"])
        if stop is not None and index + 1 == stop:
            checkpoint = (adapter.state_dict(), batch["state"])
    return np.concatenate(sources), np.concatenate(ordinals), adapter, checkpoint


def link_weights(lib, chain, k):
    path = os.path.join(chain, f"tiny-mix.{k}.recipe.json")
    recipe = lib.from_json(path)
    return recipe.weights(recipe.total_tokens - 1)


@pytest.mark.parametrize("workers", [0, 2])
def test_the_dataset_follows_the_decisions_and_the_last_link_replays_the_run(lib, data_root, tmp_path, workers):
    chain = str(tmp_path / "chain")
    sources, ordinals, adapter, _ = train(lib, data_root, chain, workers)
    assert adapter.decisions >= 10
    # ODM's rule: the highest loss gains weight, the lowest loses it.
    first, last = link_weights(lib, chain, 1), link_weights(lib, chain, adapter.decisions)
    assert last[1] > first[1] and last[1] > last[0], (first, last)
    replay = lib.from_json(adapter.current_path)
    plan_sources, plan_ordinals = replay.plan(0, len(sources))
    np.testing.assert_array_equal(sources, plan_sources)
    np.testing.assert_array_equal(ordinals, plan_ordinals)
    # The run read another stream than the base recipe's: the decisions took effect.
    base_sources, _ = lib.from_json(JSON_RECIPE).plan(0, len(sources))
    assert (base_sources != sources).any()


def test_a_restart_takes_the_chain_up_at_the_checkpoint(lib, data_root, tmp_path):
    chain = str(tmp_path / "chain")
    sources, ordinals, adapter, checkpoint = train(lib, data_root, chain, workers=2, stop=300)
    decisions = adapter.decisions
    hashes = [lib.from_json(os.path.join(chain, f"tiny-mix.{k}.recipe.json")).hash for k in range(decisions + 1)]
    adapter_state, data_state = checkpoint
    rest_sources, rest_ordinals, again, _ = train(lib, data_root, chain, workers=2, adapter_state=adapter_state, data_state=data_state)
    assert again.decisions == decisions
    assert [lib.from_json(os.path.join(chain, f"tiny-mix.{k}.recipe.json")).hash for k in range(decisions + 1)] == hashes
    assert any(".discarded-" in name for name in os.listdir(chain))
    np.testing.assert_array_equal(rest_sources, sources[300 * BATCH:])
    np.testing.assert_array_equal(rest_ordinals, ordinals[300 * BATCH:])


def test_the_lag_defaults_to_what_the_workers_can_read_ahead(lib, data_root, tmp_path):
    recipe = lib.from_json(JSON_RECIPE)
    loader = DataLoader(RecipeDataset(recipe, data_root, batch_size=BATCH), batch_size=None, num_workers=2)
    assert rr.MixAdapter(recipe, tmp_path / "a", every_samples=400, loader=loader).lag_samples == LAG
    assert rr.MixAdapter(recipe, tmp_path / "b", every_samples=400).lag_samples == 0


def test_a_manual_policy_writes_the_trainers_weights_within_the_limits(lib, tmp_path):
    recipe = lib.from_json(JSON_RECIPE)
    adapter = rr.MixAdapter(recipe, tmp_path / "chain", policy="manual", every_samples=400, ceiling=2.0)
    adapter.set_weights([0.1, 0.1, 0.8])
    ids = np.zeros(400, dtype=np.int32)
    adapter.update(ids, np.ones(400, dtype=np.float32))
    decision = adapter.step(400)
    assert decision["number"] == 1 and decision["switchSample"] == 400
    # math's ceiling: 2 x its base weight at sample 400 (linear from 0.1 toward 0.3).
    assert decision["weights"][2] < 0.8 and any(clip.startswith("math: 0.8 -> ") for clip in decision["clips"])
    assert "decision 1 at sample 400" in decision["log"]
    assert adapter.step(401) is None


def test_bad_input_is_refused_by_name(lib, tmp_path):
    recipe = lib.from_json(JSON_RECIPE)
    with pytest.raises(rr.RecipeError, match="unknown policy 'doremi'; the policies are odm, manual"):
        rr.MixAdapter(recipe, tmp_path / "c", policy="doremi", every_samples=400)
    with pytest.raises(rr.RecipeError, match="every_samples must be a positive number"):
        rr.MixAdapter(recipe, tmp_path / "c", every_samples=0)
    # Another run's chain: its link 0 is another recipe.
    other = tmp_path / "other.recipe.json"
    other.write_text(open(JSON_RECIPE).read().replace('"seed": 11', '"seed": 12'))
    rr.MixAdapter(lib.from_json(other), tmp_path / "shared", every_samples=400)
    with pytest.raises(rr.RecipeError, match="another run's chain"):
        rr.MixAdapter(recipe, tmp_path / "shared", every_samples=400)
    # A corrupt link is named.
    adapter = rr.MixAdapter(recipe, tmp_path / "corrupt", every_samples=400)
    (tmp_path / "corrupt" / "tiny-mix.1.recipe.json").write_text("{ \"name\": ")
    with pytest.raises(rr.RecipeError, match=r"Link 1 (.|\n)*tiny-mix\.1\.recipe\.json\(1,"):
        rr.MixAdapter(recipe, tmp_path / "corrupt", every_samples=400)
    with pytest.raises(rr.RecipeError, match="MixAdapter state must be"):
        adapter.load_state_dict({"wrong": 1})


def test_two_gloo_ranks_decide_alike_and_read_the_last_links_stream(library_path, data_root, tmp_path):
    from test_distributed import free_port

    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "distributed_adapt_run.py")
    result = subprocess.run([sys.executable, script, library_path, JSON_RECIPE, data_root, str(tmp_path), str(free_port())],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:]
    ranks = [np.load(tmp_path / f"rank{r}.npz") for r in range(2)]
    reports = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(2)]
    assert reports[0]["decisions"] == reports[1]["decisions"] >= 10
    assert reports[0]["hash"] == reports[1]["hash"]
    lib = rr.load(library_path)
    steps = len(ranks[0]["sources"]) // 4
    sources = np.stack([r["sources"].reshape(steps, 4) for r in ranks], axis=1).reshape(-1)
    ordinals = np.stack([r["ordinals"].reshape(steps, 4) for r in ranks], axis=1).reshape(-1)
    plan_sources, plan_ordinals = lib.from_json(reports[0]["current"]).plan(0, steps * 8)
    np.testing.assert_array_equal(sources, plan_sources)
    np.testing.assert_array_equal(ordinals, plan_ordinals)
