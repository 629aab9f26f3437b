"""README step 9, run as written: the example's publish, train and resume commands (out/ mapped to a temporary
folder, and a --log added to read what happened), the Python block, and the generic library's publish command."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import REPO, published_trainer, readme_blocks, readme_command


def step9_blocks():
    return readme_blocks("## 9. Train in PyTorch", "### The C ABI")


@pytest.fixture(scope="session")
def trained(tmp_path_factory):
    """Runs step 9's commands: publish (cached per input change), train, resume. Returns the out folder and the logs."""
    publish, first, resume = step9_blocks()[0][0]
    out = str(tmp_path_factory.mktemp("out"))
    published_trainer(publish, out)
    logs, outputs = [], []
    for command in (first, resume):
        words, env = readme_command(command, out)
        log = os.path.join(out, f"log{len(logs)}.json")
        result = subprocess.run(words + ["--log", log], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=1200)
        assert result.returncode == 0, result.stdout[-4000:]
        outputs.append(result.stdout)
        logs.append(json.load(open(log)))
    return out, logs, outputs


def test_the_example_trains_300_steps_while_the_loss_falls_and_prints_the_sources(trained):
    _, (log, _), (output, _) = trained
    assert len(log) == 300
    losses = [entry["loss"] for entry in log]
    assert np.mean(losses[-20:]) < 0.8 * np.mean(losses[:20]), losses[:5] + losses[-5:]
    for name in ("web", "code", "math", "books", "wiki", "multilingual"):
        assert any(line.startswith(name + " ") for line in output.splitlines()), output
    assert "saved" in output and "sample 4800" in output


def test_the_example_reads_the_recipes_stream_and_resumes_it_identically(trained):
    out, (first, rest), (_, resumed) = trained
    import recipe_runtime as rr

    recipe = rr.load(os.path.join(out, "trainer", "PyTorchTrainer.so"))["llama3-mini"]
    sources, ordinals = recipe.plan(0, 400 * 16)
    assert "resumed at step 300, sample 4800" in resumed
    rows = first + rest
    assert [r["step"] for r in rows] == list(range(1, 401))
    np.testing.assert_array_equal(np.concatenate([r["source_ids"] for r in rows]), sources)
    np.testing.assert_array_equal(np.concatenate([r["ordinals"] for r in rows]), ordinals)


def test_the_python_block_runs_and_its_json_recipe_is_the_compiled_one(trained):
    out, _, _ = trained
    code = step9_blocks()[1][0].replace('"out/', f'"{out}/')
    code += "\nassert json_recipe.hash == recipe.hash\nassert (json_recipe.plan(0, 5000)[1] == recipe.plan(0, 5000)[1]).all()\n"
    code += "assert resumed.state_dict() == state and state['nextSample'] == 160\n"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=dict(os.environ, PYTHONPATH=os.path.join(REPO, "python")),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "llama3-mini" in result.stdout and "ema_loss" in result.stdout


def test_the_generic_library_command_is_the_one_the_tests_publish():
    from conftest import GENERIC_PUBLISH

    assert step9_blocks()[0][1] == [GENERIC_PUBLISH]
