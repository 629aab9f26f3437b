"""A real two-process gloo run: the two ranks' rows together are the global stream."""

import json
import os
import socket
import subprocess
import sys

import numpy as np


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_gloo_ranks_together_read_the_global_stream(library_path, exported, data_root, tmp_path):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "distributed_run.py")
    result = subprocess.run([sys.executable, script, library_path, data_root, str(tmp_path), str(free_port())],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:]
    ranks = [np.load(tmp_path / f"rank{r}.npz") for r in range(2)]
    steps = 6000 // 8
    # Step s: rank 0's four rows, then rank 1's.
    sources = np.stack([r["sources"].reshape(steps, 4) for r in ranks], axis=1).reshape(-1)
    ordinals = np.stack([r["ordinals"].reshape(steps, 4) for r in ranks], axis=1).reshape(-1)
    np.testing.assert_array_equal(sources, exported["tiny-mix"][0][: steps * 8])
    np.testing.assert_array_equal(ordinals, exported["tiny-mix"][1][: steps * 8])
    reports = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(2)]
    assert reports[0] == reports[1]
    counts = np.bincount(sources, minlength=3)
    assert [reports[0][name]["samples"] for name in ("web", "code", "math")] == counts.tolist()
