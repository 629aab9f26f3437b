"""RecipeDataset: the global stream for any number of workers and ranks, aligned rows, resume, start methods."""

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from conftest import SOURCE_BASE, SOURCE_TOKENS
from recipe_runtime import RecipeError
from recipe_runtime.torch import RecipeDataset

TOKENS = list(SOURCE_TOKENS.values())


def collect(dataset, workers=0, context=None, limit=None):
    loader = DataLoader(dataset, batch_size=None, num_workers=workers, multiprocessing_context=context, timeout=120 if workers else 0)
    batches = []
    for batch in loader:
        batches.append(batch)
        if limit is not None and len(batches) == limit:
            break
    return batches


def expected_rows(exported, batch_size, world_size, rank, steps):
    """Rows of rank `rank` at every step: global samples s·B·W + r·B ... s·B·W + (r + 1)·B − 1."""
    sources, ordinals = exported
    index = np.concatenate([np.arange(s * batch_size * world_size + rank * batch_size, s * batch_size * world_size + (rank + 1) * batch_size) for s in steps])
    return sources[index].astype(np.int32), ordinals[index]


def assert_aligned_windows(batch, length, width):
    """Each row is `width` consecutive tokens of its source from a multiple of the sequence length."""
    tokens = batch["tokens"].numpy()
    for row, source in zip(tokens, batch["source_ids"].numpy()):
        assert row[0] // SOURCE_BASE == source
        position = int(row[0] % SOURCE_BASE)
        assert position % length == 0
        assert position + width <= TOKENS[source]
        np.testing.assert_array_equal(row, row[0] + np.arange(width, dtype=np.int32))


@pytest.mark.parametrize("workers", [0, 1, 2])
@pytest.mark.parametrize("world_size", [1, 2])
def test_every_rank_gets_its_slice_of_the_exported_stream(lib, exported, data_root, workers, world_size):
    recipe = lib["tiny-mix"]
    for rank in range(world_size):
        dataset = RecipeDataset(recipe, data_root, batch_size=4, shifted=True, rank=rank, world_size=world_size)
        batches = collect(dataset, workers)
        assert len(batches) == dataset.steps == 6000 // (4 * world_size)
        sources, ordinals = expected_rows(exported["tiny-mix"], 4, world_size, rank, range(dataset.steps))
        np.testing.assert_array_equal(torch.cat([b["source_ids"] for b in batches]).numpy(), sources)
        np.testing.assert_array_equal(torch.cat([b["ordinals"] for b in batches]).numpy(), ordinals)


def test_rows_are_aligned_windows_of_their_sources(lib, data_root):
    for shifted, width in ((False, 16), (True, 17)):
        for batch in collect(RecipeDataset(lib["tiny-mix"], data_root, batch_size=8, shifted=shifted), workers=2):
            assert batch["tokens"].shape == (8, width) and batch["tokens"].dtype == torch.int32
            assert_aligned_windows(batch, 16, width)


def test_a_compiled_csharp_recipe_streams_its_export(lib, exported, data_root):
    dataset = RecipeDataset(lib["tiny-curriculum"], data_root, batch_size=5)
    batches = collect(dataset, workers=2)
    sources, ordinals = expected_rows(exported["tiny-curriculum"], 5, 1, 0, range(dataset.steps))
    np.testing.assert_array_equal(torch.cat([b["ordinals"] for b in batches]).numpy(), ordinals)
    np.testing.assert_array_equal(torch.cat([b["source_ids"] for b in batches]).numpy(), sources)
    assert_aligned_windows(batches[-1], 32, 32)


def test_the_json_recipe_read_at_run_time_gives_the_same_batches(lib, data_root):
    from conftest import JSON_RECIPE

    compiled = collect(RecipeDataset(lib["tiny-mix"], data_root, batch_size=6, shifted=True), limit=200)
    read = collect(RecipeDataset(lib.from_json(JSON_RECIPE), data_root, batch_size=6, shifted=True), limit=200)
    for a, b in zip(compiled, read):
        assert torch.equal(a["tokens"], b["tokens"]) and torch.equal(a["ordinals"], b["ordinals"])
        assert a["state"] == b["state"]


@pytest.mark.parametrize("workers", [0, 2])
def test_resuming_from_a_batch_state_continues_the_uninterrupted_stream(lib, data_root, workers):
    recipe = lib["tiny-mix"]
    whole = collect(RecipeDataset(recipe, data_root, batch_size=4, shifted=True), workers)
    stop = 357
    state = whole[stop - 1]["state"]
    assert state["nextSample"] == stop * 4
    resumed = RecipeDataset(recipe, data_root, batch_size=4, shifted=True)
    resumed.load_state_dict(state)
    assert len(resumed) == len(whole) - stop
    rest = collect(resumed, workers)
    assert len(rest) == len(whole) - stop
    for a, b in zip(whole[stop:], rest):
        assert torch.equal(a["tokens"], b["tokens"]) and torch.equal(a["source_ids"], b["source_ids"]) and a["state"] == b["state"]


def test_a_state_restores_into_another_world_size_with_the_same_global_batch(lib, data_root):
    recipe = lib["tiny-mix"]
    state = collect(RecipeDataset(recipe, data_root, batch_size=8), limit=10)[-1]["state"]
    halves = [RecipeDataset(recipe, data_root, batch_size=4, rank=r, world_size=2) for r in range(2)]
    for half in halves:
        half.load_state_dict(state)
    whole = RecipeDataset(recipe, data_root, batch_size=8)
    whole.load_state_dict(state)
    first = [collect(half, limit=1)[0] for half in halves]
    assert torch.equal(torch.cat([b["tokens"] for b in first]), collect(whole, limit=1)[0]["tokens"])


def in_global_order(per_rank, key):
    """The rows of all ranks, step by step and rank by rank: the global stream they covered."""
    return torch.cat([batch[key] for step in zip(*per_rank) for batch in step]).numpy()


def walk_steps(schedule, world_size, start, samples):
    """Rows per rank of each step from `start`: the size in force at the step's first sample, while a step fits."""
    sizes, sample = [], start
    while True:
        rows = [r for s, r in schedule if s <= sample][-1]
        if sample + rows * world_size > samples:
            return sizes, sample
        sizes.append(rows)
        sample += rows * world_size


@pytest.mark.parametrize("workers", [0, 2])
def test_a_batch_size_ramp_cuts_the_exported_stream_at_the_first_boundary_after_each_start(lib, exported, data_root, workers):
    recipe, schedule, world = lib["tiny-mix"], [(0, 2), (100, 4), (1000, 8)], 2
    per_rank = [collect(RecipeDataset(recipe, data_root, batch_size=schedule, rank=r, world_size=world), workers) for r in range(world)]
    sizes, end = walk_steps(schedule, world, 0, 6000)
    assert [b["tokens"].shape[0] for b in per_rank[1]] == sizes
    sources, ordinals = exported["tiny-mix"]
    np.testing.assert_array_equal(in_global_order(per_rank, "ordinals"), ordinals[:end])
    np.testing.assert_array_equal(in_global_order(per_rank, "source_ids"), sources[:end].astype(np.int32))
    assert per_rank[0][-1]["state"]["nextSample"] == end


def test_a_state_resumes_on_any_world_size_and_batch_size(lib, exported, data_root):
    recipe = lib["tiny-mix"]
    sources, ordinals = exported["tiny-mix"]
    state = collect(RecipeDataset(recipe, data_root, batch_size=3, rank=1, world_size=2), limit=41)[-1]["state"]
    assert state["nextSample"] == 246 and state["writtenBy"] == {"worldSize": 2, "rowsPerRank": 3}
    for world, size in ((1, 4), (3, [(0, 2), (600, 5)]), (4, 7)):
        ranks = [RecipeDataset(recipe, data_root, batch_size=size, rank=r, world_size=world) for r in range(world)]
        for dataset in ranks:
            dataset.load_state_dict(state)
        per_rank = [collect(dataset, workers=2, limit=40) for dataset in ranks]
        got = in_global_order(per_rank, "ordinals")
        np.testing.assert_array_equal(got, ordinals[246:246 + len(got)])
        np.testing.assert_array_equal(in_global_order(per_rank, "source_ids"), sources[246:246 + len(got)].astype(np.int32))


@pytest.mark.parametrize(
    "schedule, words",
    [
        ([], "empty"),
        ([(0, 4), (10, 0)], r"entry 1 \(10, 0\): rows per rank must be at least 1"),
        ([(5, 4)], "entry 0 starts at sample 5"),
        ([(0, 4), (10, 8), (10, 16)], "entry 2 starts at sample 10, not after entry 1's 10"),
        ("four", "batch_size must be rows per rank"),
    ],
)
def test_a_bad_batch_size_schedule_is_a_recipe_error_naming_the_entry(lib, data_root, schedule, words):
    with pytest.raises(RecipeError, match=words):
        RecipeDataset(lib["tiny-mix"], data_root, batch_size=schedule)


@pytest.mark.parametrize("context", ["fork", "forkserver", "spawn"])
@pytest.mark.parametrize("workers", [1, 2])
def test_workers_run_under_every_start_method_after_the_parent_used_the_library(lib, exported, data_root, context, workers):
    recipe = lib["tiny-mix"]
    recipe.plan(0, 100)  # as a trainer does before it makes its DataLoader: the parent's runtime is started
    recipe.weights(0)
    dataset = RecipeDataset(recipe, data_root, batch_size=8, shifted=True)
    sources, ordinals = expected_rows(exported["tiny-mix"], 8, 1, 0, range(dataset.steps))
    for _ in range(2):  # a second epoch starts the workers again
        batches = collect(dataset, workers, context)
        assert len(batches) == dataset.steps
        np.testing.assert_array_equal(torch.cat([b["ordinals"] for b in batches]).numpy(), ordinals)
        np.testing.assert_array_equal(torch.cat([b["source_ids"] for b in batches]).numpy(), sources)
    recipe.plan(0, 100)  # and the parent's runtime still works
