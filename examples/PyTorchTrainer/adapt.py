"""Online mixture adaptation (ODM) on a real training run: the mix moves towards what the model finds hard, and every
decision is a continuation recipe that replays the run.

    dotnet publish examples/PyTorchTrainer -c Release -r linux-x64 -o out/trainer
    PYTHONPATH=python /usr/bin/python3 examples/PyTorchTrainer/adapt.py --library out/trainer/PyTorchTrainer.so \
        --data out/adapt-data --chain out/chain

The recipe three-sources.recipe.json mixes three sources equally: "memorisable" (runs of +1 with no noise, learnt in
a few dozen steps), "structured" (runs of +3 with 15% random tokens) and "noisy" (runs of +5 with 70% random tokens,
whose loss stays high). Every --every global samples the MixAdapter applies ODM's EXP3 rule to the window's
per-source loss and writes the new weights as out/chain/three-sources.<k>.recipe.json, a continuation of link k-1
switching a few batches ahead of the decision; the DataLoader's workers follow each link at its switch point. Each
decision is printed as a per-source table. At the end the script checks that the last link's plan is, row for row,
the stream the run read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

import recipe_runtime as rr
from recipe_runtime.torch import RecipeDataset
from train import VOCAB, TinyLM, write_shards

RECIPE = "three-sources"
# Per source: (step of its progression, share of random tokens).
SHAPES = {"memorisable": (1, 0.0), "structured": (3, 0.15), "noisy": (5, 0.7)}


def decision_table(decision: dict) -> str:
    lines = [f"decision {decision['number']} at sample {decision['decidedAt']}, switch at sample {decision['switchSample']}"
             f" ({os.path.basename(decision['path'])})",
             f"  {'source':<13}{'rows':>6}{'mean loss':>11}{'weight':>9}{'proposed':>10}{'new':>8}"]
    for source, proposed, new in zip(decision["statistics"], decision["proposed"], decision["weights"]):
        loss = "-" if source["meanLoss"] is None else f"{source['meanLoss']:.3f}"
        lines.append(f"  {source['name']:<13}{source['samples']:>6}{loss:>11}{source['weight']:>9.3f}{proposed:>10.3f}{new:>8.3f}")
    lines.extend(f"  clipped: {clip}" for clip in decision["clips"])
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True, help="the published PyTorchTrainer.so")
    parser.add_argument("--data", required=True, help="the shards' folder (written when missing)")
    parser.add_argument("--chain", required=True, help="a new folder for the chain of decisions")
    parser.add_argument("--steps", type=int, default=240)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--every", type=int, default=320, help="global samples between decisions")
    parser.add_argument("--log", help="write the rows read (source ids, ordinals) and the decisions here as JSON")
    args = parser.parse_args(argv)
    if os.path.isdir(args.chain) and os.listdir(args.chain):
        parser.error(f"--chain {args.chain} already holds a run's links; give a new folder (a restarted run takes its chain up with MixAdapter.load_state_dict)")

    torch.manual_seed(0)
    torch.set_num_threads(1)
    recipe = rr.load(args.library)[RECIPE]
    if not os.path.isdir(args.data):
        write_shards(recipe, args.data, SHAPES)

    model = TinyLM()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    dataset = RecipeDataset(recipe, args.data, batch_size=args.batch_size, shifted=True, chain_dir=args.chain)
    loader = torch.utils.data.DataLoader(dataset, batch_size=None, num_workers=args.workers, timeout=300 if args.workers else 0)
    # lag_samples defaults to what the DataLoader can have read ahead, so no worker is past a switch when it is written.
    adapter = rr.MixAdapter(recipe, args.chain, policy="odm", every_samples=args.every, loader=loader)
    print(f"{recipe.name}: {' '.join(f'{n}={w:.2f}' for n, w in zip(recipe.source_names, recipe.weights(0)))},"
          f" a decision every {args.every} samples, switching {adapter.lag_samples} samples later")

    sources, ordinals, decisions = [], [], []
    for step, batch in enumerate(loader, start=1):
        tokens = batch["tokens"].long()
        logits = model(tokens[:, :-1])
        per_token = F.cross_entropy(logits.reshape(-1, VOCAB), tokens[:, 1:].reshape(-1), reduction="none")
        per_row = per_token.view(tokens.shape[0], -1).mean(dim=1)
        optimizer.zero_grad()
        per_row.mean().backward()
        optimizer.step()
        sources.append(batch["source_ids"].numpy().copy())
        ordinals.append(batch["ordinals"].numpy().copy())
        adapter.update(batch["source_ids"], per_row.detach())
        decision = adapter.step(batch["state"]["nextSample"])
        if decision is not None:
            decisions.append(decision)
            print(decision_table(decision))
        if step == args.steps:
            break

    sources, ordinals = np.concatenate(sources), np.concatenate(ordinals)
    replay = recipe.library.from_json(adapter.current_path)
    planned_sources, planned_ordinals = replay.plan(0, len(sources))
    same = bool((planned_sources == sources).all() and (planned_ordinals == ordinals).all())
    print(f"{adapter.decisions} decisions; {os.path.basename(adapter.current_path)} replays the {len(sources)} rows read: {'yes' if same else 'NO'}")
    if args.log:
        with open(args.log, "w") as f:
            json.dump({"source_ids": sources.tolist(), "ordinals": ordinals.tolist(), "decisions": decisions, "last": adapter.current_path}, f)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
