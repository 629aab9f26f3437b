"""Two gloo ranks adapting one mix: each rank's losses differ (only their all-reduced sums are the same), rank 0
writes the links, rank 1 checks each is its own decision, and both datasets (two DataLoader workers each) follow the
chain. Each rank writes its rows to OUT/rank<r>.npz and where its chain ended to OUT/rank<r>.json.

    python distributed_adapt_run.py LIBRARY RECIPE_JSON DATA_ROOT OUT PORT
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


def run(rank, library, recipe_json, data_root, out, port):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=WORLD_SIZE)
    recipe = rr.load(library).from_json(recipe_json)
    chain = os.path.join(out, "chain")
    dataset = RecipeDataset(recipe, data_root, batch_size=4, chain_dir=chain)
    loader = torch.utils.data.DataLoader(dataset, batch_size=None, num_workers=2, timeout=120)
    adapter = rr.MixAdapter(recipe, chain, policy="odm", every_samples=400, loader=loader)
    sources, ordinals = [], []
    for batch in loader:
        sources.append(batch["source_ids"])
        ordinals.append(batch["ordinals"])
        loss = batch["source_ids"].float() + 1 + 0.5 * rank
        adapter.update(batch["source_ids"], loss)
        adapter.step(batch["state"]["nextSample"])
    np.savez(os.path.join(out, f"rank{rank}.npz"), sources=torch.cat(sources).numpy(), ordinals=torch.cat(ordinals).numpy())
    info = adapter.info()
    with open(os.path.join(out, f"rank{rank}.json"), "w") as f:
        json.dump({"decisions": info["decisions"], "hash": info["hash"], "current": info["current"]}, f)
    dist.destroy_process_group()


if __name__ == "__main__":
    library, recipe_json, data_root, out, port = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    mp.spawn(run, args=(library, recipe_json, data_root, out, port), nprocs=WORLD_SIZE, join=True)
