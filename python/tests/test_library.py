"""The library, its recipes and JSON recipes read at run time, against `recipe export`."""

import numpy as np
import pytest

import recipe_runtime as rr
from conftest import JSON_RECIPE


def test_the_library_lists_the_recipes_compiled_into_it(lib):
    assert set(lib.names) == {"tiny-mix", "tiny-curriculum"}


def test_a_recipe_carries_its_metadata(lib):
    recipe = lib["tiny-mix"]
    assert recipe.name == "tiny-mix"
    assert len(recipe.hash) == 16
    assert recipe.source_names == ("web", "code", "math")
    assert recipe.declared_tokens == (4500, 3000, 1500)
    assert (recipe.sequence_length, recipe.total_tokens, recipe.samples, recipe.seed) == (16, 96000, 6000, 11)


@pytest.mark.parametrize("name", ["tiny-mix", "tiny-curriculum"])
def test_the_plan_is_the_export_arrays(lib, exported, name):
    recipe = lib[name]
    sources, ordinals = recipe.plan(0, recipe.samples)
    assert sources.dtype == np.int16 and ordinals.dtype == np.int64
    np.testing.assert_array_equal(sources, exported[name][0])
    np.testing.assert_array_equal(ordinals, exported[name][1])


def test_a_plan_slice_is_the_slice_of_the_whole_plan(lib, exported):
    sources, ordinals = lib["tiny-mix"].plan(1234, 567)
    np.testing.assert_array_equal(sources, exported["tiny-mix"][0][1234:1801])
    np.testing.assert_array_equal(ordinals, exported["tiny-mix"][1][1234:1801])


def test_weights_follow_the_linear_schedule(lib):
    recipe = lib["tiny-mix"]
    np.testing.assert_allclose(recipe.weights(0), [0.6, 0.3, 0.1])
    np.testing.assert_allclose(recipe.weights(24000), [0.5, 0.3, 0.2])
    np.testing.assert_allclose(recipe.weights(60000), [0.4, 0.3, 0.3])


def test_a_json_recipe_read_at_run_time_is_the_compiled_recipe_bit_for_bit(lib):
    compiled, read = lib["tiny-mix"], lib.from_json(JSON_RECIPE)
    assert read.hash == compiled.hash
    assert read.source_names == compiled.source_names
    for token in (0, 1, 12345, 47999, 48000, 95999):
        assert read.weights(token).tobytes() == compiled.weights(token).tobytes()
    for a, b in zip(read.plan(0, read.samples), compiled.plan(0, compiled.samples)):
        assert a.tobytes() == b.tobytes()


def test_the_generic_library_holds_no_recipe_and_reads_json_recipes(generic_path, lib):
    generic = rr.load(generic_path)
    assert generic.names == ()
    with pytest.raises(KeyError, match="holds none"):
        generic["tiny-mix"]
    read, compiled = generic.from_json(JSON_RECIPE), lib["tiny-mix"]
    assert read.hash == compiled.hash
    for a, b in zip(read.plan(0, read.samples), compiled.plan(0, compiled.samples)):
        assert a.tobytes() == b.tobytes()


def test_a_json_recipe_is_read_under_its_own_name(lib, tmp_path):
    copy = tmp_path / "renamed.recipe.json"
    copy.write_text(open(JSON_RECIPE).read().replace('"tiny-mix"', '"renamed"'))
    recipe = lib.from_json(copy)
    assert recipe.name == "renamed"
    assert recipe.samples == 6000


def test_the_mix_monitor_reports_per_source_losses(lib):
    monitor = rr.MixMonitor(lib["tiny-mix"])
    monitor.update(np.array([0, 0, 1]), np.array([2.0, 4.0, 1.5]))
    report = monitor.report()
    assert list(report) == ["web", "code", "math"]
    assert report["web"]["samples"] == 2 and report["code"]["samples"] == 1 and report["math"]["samples"] == 0
    assert report["code"]["ema_loss"] == pytest.approx(1.5)
    assert report["math"]["ema_loss"] is None
    assert report["web"]["recommendation"] in {"maintain", "increase", "decrease"}
