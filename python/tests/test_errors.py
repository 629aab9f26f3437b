"""Every bad input is a RecipeError naming what is wrong; the interpreter lives."""

import json
import os
import shutil

import numpy as np
import pytest

import recipe_runtime as rr
from conftest import JSON_RECIPE, write_shards
from recipe_runtime.torch import RecipeDataset


def test_a_missing_library_names_the_path(tmp_path):
    with pytest.raises(rr.RecipeError, match="nowhere.so: no such recipe library"):
        rr.load(tmp_path / "nowhere.so")


def test_a_file_that_is_not_a_library_is_refused(tmp_path):
    path = tmp_path / "fake.so"
    path.write_text("not a shared object")
    with pytest.raises(rr.RecipeError, match="fake.so: cannot load"):
        rr.load(path)


def test_a_shared_library_without_the_abi_is_refused():
    libm = next(p for p in ("/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6") if os.path.exists(p))
    with pytest.raises(rr.RecipeError, match="not a recipe library"):
        rr.load(libm)


def test_an_unknown_recipe_is_a_key_error_naming_the_available_ones(lib):
    with pytest.raises(KeyError) as caught:
        lib["llama3-405b"]
    assert isinstance(caught.value, rr.RecipeError)
    assert "'llama3-405b'" in str(caught.value) and "tiny-mix" in str(caught.value) and "tiny-curriculum" in str(caught.value)


def test_a_missing_json_recipe_names_the_file(lib, tmp_path):
    with pytest.raises(rr.RecipeError, match="missing.recipe.json: no such recipe file"):
        lib.from_json(tmp_path / "missing.recipe.json")


def test_malformed_json_names_the_file_and_line(lib, tmp_path):
    path = tmp_path / "broken.recipe.json"
    path.write_text('{\n  "name": "broken",\n  "totalTokens": ,\n}')
    with pytest.raises(rr.RecipeError, match=r"broken.recipe.json\(3,\d+\): error RCP"):
        lib.from_json(path)


def test_an_invalid_recipe_names_the_rule(lib, tmp_path):
    path = tmp_path / "bad.recipe.json"
    path.write_text(open(JSON_RECIPE).read().replace('"web": 60, "code": 30', '"web": 70, "code": 30'))
    with pytest.raises(rr.RecipeError, match=r"bad.recipe.json\(\d+,\d+\): error RCP001"):
        lib.from_json(path)


def test_a_plan_outside_the_run_names_the_range(lib):
    with pytest.raises(rr.RecipeError, match=r"Samples \[5990, 6010\) are outside the run of recipe 'tiny-mix'"):
        lib["tiny-mix"].plan(5990, 20)


def test_a_missing_data_root_names_it(lib, tmp_path):
    with pytest.raises(rr.RecipeError, match="no-data: no such folder"):
        RecipeDataset(lib["tiny-mix"], tmp_path / "no-data", batch_size=4)


def test_a_missing_shard_names_the_pattern(lib, tmp_path):
    root = write_shards(str(tmp_path / "data"))
    os.remove(os.path.join(root, "math.bin"))
    with pytest.raises(rr.RecipeError, match="math.bin"):
        RecipeDataset(lib["tiny-mix"], root, batch_size=4)


def test_a_shard_shorter_than_declared_names_the_source(lib, tmp_path):
    root = write_shards(str(tmp_path / "data"))
    np.arange(1000, dtype=np.uint32).tofile(os.path.join(root, "math.bin"))
    with pytest.raises(rr.RecipeError, match=r"RCP013.*'math'|'math'.*RCP013|math.*1,?000.*1,?500|math.*1500"):
        RecipeDataset(lib["tiny-mix"], root, batch_size=4)


def test_a_truncated_shard_names_the_file(lib, tmp_path):
    root = write_shards(str(tmp_path / "data"))
    path = os.path.join(root, "code", "shard.bin")
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) - 2)  # half a uint32 token
    with pytest.raises(rr.RecipeError, match="shard.bin"):
        RecipeDataset(lib["tiny-mix"], root, batch_size=4)


def test_a_bad_rank_names_it(lib, data_root):
    with pytest.raises(rr.RecipeError, match=r"Rank must be in \[0, 2\)"):
        RecipeDataset(lib["tiny-mix"], data_root, batch_size=4, rank=2, world_size=2)


def test_another_recipes_state_is_refused(lib, data_root):
    curriculum = next(iter(RecipeDataset(lib["tiny-curriculum"], data_root, batch_size=4)))["state"]
    dataset = RecipeDataset(lib["tiny-mix"], data_root, batch_size=4)
    with pytest.raises(rr.RecipeError, match="belongs to recipe"):
        dataset.load_state_dict(curriculum)


@pytest.mark.parametrize("state", [None, {}, {"nextSample": 4}, "text"])
def test_a_state_that_is_not_a_state_is_refused(lib, data_root, state):
    with pytest.raises(rr.RecipeError, match="loader state"):
        RecipeDataset(lib["tiny-mix"], data_root, batch_size=4).load_state_dict(state)


def test_a_state_of_another_stream_version_is_refused(lib, data_root):
    dataset = RecipeDataset(lib["tiny-mix"], data_root, batch_size=4)
    state = dict(dataset.state_dict(), stream=1)
    with pytest.raises(rr.RecipeError, match="stream version 1"):
        dataset.load_state_dict(state)


def test_the_monitor_wants_one_loss_per_row(lib):
    with pytest.raises(rr.RecipeError, match="3 source ids but 2 losses"):
        rr.MixMonitor(lib["tiny-mix"]).update([0, 1, 2], [1.0, 2.0])


def test_the_monitor_refuses_an_unknown_source_id(lib):
    with pytest.raises(rr.RecipeError, match="MixMonitor.update"):
        rr.MixMonitor(lib["tiny-mix"]).update([0, 7], [1.0, 2.0])
