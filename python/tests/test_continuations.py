"""A continuation read at run time: the earlier stream bit for bit before the switch, a dataset resuming the
earlier recipe's state at or before the switch, and a clear error past it."""

import json
import os
import shutil

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

import recipe_runtime as rr
from conftest import JSON_RECIPE
from recipe_runtime.torch import RecipeDataset

SWITCH_SAMPLE = 2000  # 32,000 tokens of 16


@pytest.fixture()
def chain(tmp_path):
    """tiny-mix.recipe.json and a continuation of it at sample 2,000 that adds "math2" (math's file again)."""
    shutil.copy(JSON_RECIPE, tmp_path / "tiny-mix.recipe.json")
    continuation = {
        "name": "tiny-mix-v2",
        "continues": {"recipe": "tiny-mix.recipe.json", "at": SWITCH_SAMPLE * 16},
        "totalTokens": 112000,
        "maxEpochs": 100,
        "sources": {
            "web": {"tokens": 4500, "format": "uint32", "files": ["web/part-*.bin"]},
            "code": {"tokens": 3000, "format": "uint32", "files": ["code/shard.bin"]},
            "math": {"tokens": 1500, "format": "uint32", "files": ["math.bin"]},
            "math2": {"tokens": 1500, "format": "uint32", "files": ["math.bin"]},
        },
        "schedule": {"phases": [{"name": "anneal", "at": SWITCH_SAMPLE * 16, "weights": {"web": 20, "code": 30, "math": 20, "math2": 30}}]},
    }
    path = tmp_path / "tiny-mix-v2.recipe.json"
    path.write_text(json.dumps(continuation, indent=2))
    return str(tmp_path / "tiny-mix.recipe.json"), str(path)


def collect(dataset, limit=None):
    batches = []
    for batch in DataLoader(dataset, batch_size=None, num_workers=0):
        batches.append(batch)
        if limit is not None and len(batches) == limit:
            break
    return batches


def test_a_continuation_keeps_the_earlier_plan_and_continues_its_ordinals(lib, chain):
    earlier, continuation = lib.from_json(chain[0]), lib.from_json(chain[1])
    assert continuation.source_names == ("web", "code", "math", "math2")
    assert (continuation.sequence_length, continuation.seed, continuation.samples) == (16, 11, 7000)
    assert continuation.hash != earlier.hash
    before_s, before_o = earlier.plan(0, SWITCH_SAMPLE)
    sources, ordinals = continuation.plan(0, continuation.samples)
    np.testing.assert_array_equal(sources[:SWITCH_SAMPLE], before_s)
    np.testing.assert_array_equal(ordinals[:SWITCH_SAMPLE], before_o)
    # Every source's ordinals count up over the whole run: nothing read twice or skipped.
    for source in range(4):
        np.testing.assert_array_equal(ordinals[sources == source], np.arange((sources == source).sum()))
    np.testing.assert_allclose(continuation.weights(SWITCH_SAMPLE * 16), [0.2, 0.3, 0.2, 0.3])
    np.testing.assert_allclose(continuation.weights(SWITCH_SAMPLE * 16 - 1), earlier.weights(SWITCH_SAMPLE * 16 - 1).tolist() + [0.0])


def test_a_dataset_resumes_the_earlier_recipes_state_up_to_the_switch(lib, chain, data_root):
    earlier, continuation = lib.from_json(chain[0]), lib.from_json(chain[1])
    first = collect(RecipeDataset(earlier, data_root, batch_size=8), limit=SWITCH_SAMPLE // 8)
    state = first[-1]["state"]
    assert state["nextSample"] == SWITCH_SAMPLE
    whole = collect(RecipeDataset(continuation, data_root, batch_size=8))
    resumed = RecipeDataset(continuation, data_root, batch_size=8)
    resumed.load_state_dict(state)
    rest = collect(resumed)
    assert len(rest) == len(whole) - SWITCH_SAMPLE // 8
    for a, b in zip(whole[SWITCH_SAMPLE // 8:], rest):
        assert torch.equal(a["tokens"], b["tokens"]) and torch.equal(a["source_ids"], b["source_ids"])
    for a, b in zip(whole[: SWITCH_SAMPLE // 8], first):
        assert torch.equal(a["tokens"], b["tokens"])

    past = collect(RecipeDataset(earlier, data_root, batch_size=8), limit=SWITCH_SAMPLE // 8 + 1)[-1]["state"]
    late = RecipeDataset(continuation, data_root, batch_size=8)
    with pytest.raises(rr.RecipeError, match="past the switch to 'tiny-mix-v2' at sample 2000"):
        late.load_state_dict(past)
        collect(late, limit=1)


def test_a_continuation_whose_earlier_recipe_is_missing_names_it(lib, tmp_path, chain):
    os.remove(chain[0])
    with pytest.raises(rr.RecipeError, match=r"RCP015.*tiny-mix.recipe.json' is not found"):
        lib.from_json(chain[1])
