"""A two-process data-parallel run on gloo (CPU): each rank's RecipeDataset takes its rank and world size from the
process group, per-source losses are all-gathered across ranks before the MixMonitor, and each rank writes its rows
and the monitor's report to OUT/rank<r>.npz and OUT/rank<r>.json.

    python distributed_run.py LIBRARY DATA_ROOT OUT PORT
"""

import json
import os
import sys

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import recipe_runtime as rr  # noqa: E402
from recipe_runtime.torch import RecipeDataset  # noqa: E402

WORLD_SIZE = 2


def run(rank, library, data_root, out, port):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=WORLD_SIZE)
    recipe = rr.load(library)["tiny-mix"]
    dataset = RecipeDataset(recipe, data_root, batch_size=4, shifted=True)
    assert (dataset.rank, dataset.world_size) == (rank, WORLD_SIZE)
    monitor = rr.MixMonitor(recipe)
    sources, ordinals = [], []
    loader = torch.utils.data.DataLoader(dataset, batch_size=None, num_workers=2, timeout=120)
    for batch in loader:
        sources.append(batch["source_ids"])
        ordinals.append(batch["ordinals"])
        # A stand-in per-row loss; every rank records the losses of the whole global batch.
        loss = batch["tokens"].float().mean(dim=1) / 1e4
        losses = [torch.empty_like(loss) for _ in range(WORLD_SIZE)]
        ids = [torch.empty_like(batch["source_ids"]) for _ in range(WORLD_SIZE)]
        dist.all_gather(losses, loss)
        dist.all_gather(ids, batch["source_ids"])
        monitor.update(torch.cat(ids), torch.cat(losses))
    np.savez(os.path.join(out, f"rank{rank}.npz"), sources=torch.cat(sources).numpy(), ordinals=torch.cat(ordinals).numpy())
    with open(os.path.join(out, f"rank{rank}.json"), "w") as f:
        json.dump(monitor.report(), f)
    dist.destroy_process_group()


if __name__ == "__main__":
    library, data_root, out, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    mp.spawn(run, args=(library, data_root, out, port), nprocs=WORLD_SIZE, join=True)
