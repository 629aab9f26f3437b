"""Trains a small language model on the batches of a compiled recipe, through the recipe's native library.

    dotnet publish examples/PyTorchTrainer -c Release -r linux-x64 -o out/trainer
    PYTHONPATH=python /usr/bin/python3 examples/PyTorchTrainer/train.py --library out/trainer/PyTorchTrainer.so \
        --data out/trainer-data --steps 300 --checkpoint out/trainer.pt
    PYTHONPATH=python /usr/bin/python3 examples/PyTorchTrainer/train.py --library out/trainer/PyTorchTrainer.so \
        --data out/trainer-data --steps 100 --resume out/trainer.pt

The shards are written on the first run: each source is runs of an arithmetic progression (next token = this one plus
the source's step) over its own band of the vocabulary, with a share of random tokens that differs per source, so the
loss falls and the sources differ in difficulty. The DataLoader has 2 workers; each batch's per-row losses feed the
recipe's MixMonitor, printed as a per-source table. --checkpoint saves the model, the optimiser and the last batch's
state; --resume continues from it with the identical stream.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import recipe_runtime as rr
from recipe_runtime.torch import RecipeDataset

RECIPE = "llama3-mini"
VOCAB = 128
BAND = VOCAB // 8
# Per source: (step of its progression, share of random tokens).
SHAPES = {"web": (3, 0.30), "code": (1, 0.05), "math": (2, 0.0), "books": (5, 0.10), "wiki": (7, 0.10), "multilingual": (11, 0.20)}


def write_shards(recipe: rr.Recipe, root: str, shapes=SHAPES) -> None:
    """Writes each source's declared tokens as uint16 shards of two files under root/<source>/, shaped by
    shapes[source] = (step of its progression, share of random tokens)."""
    rng = np.random.default_rng(0)
    for index, (name, tokens) in enumerate(zip(recipe.source_names, recipe.declared_tokens)):
        step, noise = shapes[name]
        run = np.arange(tokens) % 64  # a new run every 64 tokens, from a random start
        starts = rng.integers(0, BAND, size=tokens // 64 + 1)
        values = (starts[np.arange(tokens) // 64] + step * run) % BAND
        random = rng.random(tokens) < noise
        values[random] = rng.integers(0, BAND, size=int(random.sum()))
        values = (values + index * BAND).astype(np.uint16)
        os.makedirs(os.path.join(root, name), exist_ok=True)
        half = tokens // 2
        values[:half].tofile(os.path.join(root, name, "part-0.bin"))
        values[half:].tofile(os.path.join(root, name, "part-1.bin"))


class TinyLM(nn.Module):
    """Embeddings, one causal convolution over the last 3 tokens, and a projection to the vocabulary: small enough
    to train a few hundred steps on a CPU in seconds."""

    def __init__(self, width=32, context=3):
        super().__init__()
        self.context = context
        self.embed = nn.Embedding(VOCAB, width)
        self.conv = nn.Conv1d(width, 2 * width, context)
        self.head = nn.Linear(2 * width, VOCAB)

    def forward(self, tokens):
        x = self.embed(tokens).transpose(1, 2)
        x = F.pad(x, (self.context - 1, 0))  # causal: position t sees t - 2 ... t
        return self.head(F.relu(self.conv(x)).transpose(1, 2))


def table(report: dict) -> str:
    lines = [f"{'source':<14}{'samples':>8}{'ema loss':>10}  {'verdict':<14}recommendation"]
    for name, entry in report.items():
        ema = "-" if entry["ema_loss"] is None else f"{entry['ema_loss']:.3f}"
        lines.append(f"{name:<14}{entry['samples']:>8}{ema:>10}  {entry['verdict']:<14}{entry['recommendation']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True, help="the published PyTorchTrainer.so")
    parser.add_argument("--data", required=True, help="the shards' folder (written when missing)")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--checkpoint", help="save the model, optimiser and batch state here at the end")
    parser.add_argument("--resume", help="continue from this checkpoint")
    parser.add_argument("--log", help="write every step's loss and rows (source ids, ordinals) here as JSON")
    args = parser.parse_args(argv)

    torch.manual_seed(0)
    # The model is small: one thread computes it fastest and leaves the other cores to the DataLoader workers.
    torch.set_num_threads(1)
    lib = rr.load(args.library)
    recipe = lib[RECIPE]
    # The trainer reads the recipe before its DataLoader starts: its workers are forked from a process whose runtime runs.
    for phase, token in (("foundation", 0), ("reasoning", 8_000_000), ("quality", 13_000_000)):
        weights = " ".join(f"{name}={w:.2f}" for name, w in zip(recipe.source_names, recipe.weights(token)))
        print(f"{recipe.name} {phase:<10} w(t={token:>10,}): {weights}")
    if not os.path.isdir(args.data):
        write_shards(recipe, args.data)

    model = TinyLM()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    dataset = RecipeDataset(recipe, args.data, batch_size=args.batch_size, shifted=True)
    step = 0
    if args.resume:
        checkpoint = torch.load(args.resume)
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        dataset.load_state_dict(checkpoint["data"])
        step = checkpoint["step"]
        print(f"resumed at step {step}, sample {checkpoint['data']['nextSample']}")
    monitor = rr.MixMonitor(recipe)
    loader = torch.utils.data.DataLoader(dataset, batch_size=None, num_workers=args.workers, timeout=300 if args.workers else 0)

    log = []
    state = dataset.state_dict()
    last = step + args.steps
    for batch in loader:
        if step == last:
            break
        tokens = batch["tokens"].long()
        logits = model(tokens[:, :-1])
        per_token = F.cross_entropy(logits.reshape(-1, VOCAB), tokens[:, 1:].reshape(-1), reduction="none")
        per_row = per_token.view(tokens.shape[0], -1).mean(dim=1)
        loss = per_row.mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        monitor.update(batch["source_ids"], per_row.detach())
        state = batch["state"]
        step += 1
        log.append({"step": step, "loss": loss.item(), "source_ids": batch["source_ids"].tolist(), "ordinals": batch["ordinals"].tolist()})
        if step % 100 == 0 or step == last:
            print(f"step {step:>5}  loss {loss.item():.3f}")
    print(table(monitor.report()))

    if args.checkpoint:
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "data": state, "step": step}, args.checkpoint)
        print(f"saved {args.checkpoint} at step {step}, sample {state['nextSample']}")
    if args.log:
        with open(args.log, "w") as f:
            json.dump(log, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
