"""Online mixture adaptation that can be replayed: each decision is a continuation recipe in a chain folder.

    adapter = MixAdapter(recipe, "chain", policy="odm", every_samples=4096, loader=loader)
    dataset = RecipeDataset(recipe, "data", batch_size=8, chain_dir="chain")
    for batch in loader:
        loss_per_row = ...
        adapter.update(batch["source_ids"], loss_per_row)
        decision = adapter.step(batch["state"]["nextSample"])   # a dict when a link was written, else None

The policy, the recipe's limits and the links are the runtime's (MixAdapter in Recipe.Runtime.Adaptation); this
module feeds it, sums the window's statistics over the ranks when torch.distributed is initialised (so every rank
decides alike), and lets rank 0 write each link while the others check it is their own decision.
"""

from __future__ import annotations

import ctypes
import json
import math
import os

import numpy as np

from . import Recipe, RecipeError, _Handle, _rows, _to_numpy

__all__ = ["MixAdapter", "POLICIES"]

POLICIES = ("odm", "manual")


class MixAdapter:
    """Decides the mix every `every_samples` global samples and writes it as `chain_dir/<name>.<k>.recipe.json`.

    `policy`: "odm" (EXP3 over per-source loss; `smoothing` α and `reward_scale` c) or "manual" (`set_weights`).
    `lag_samples`: samples from a decision to its switch point, at least what the DataLoader can have read ahead;
    given `loader` (a DataLoader over a RecipeDataset) it defaults to (workers · prefetch_factor + 1) global batches,
    else to 0 (right for num_workers=0). `floor` and `ceiling` bound each weight relative to the recipe's own.
    """

    def __init__(self, recipe: Recipe, chain_dir, policy: str = "odm", every_samples: int = 0, lag_samples=None, loader=None,
                 floor: float = 0.0, ceiling: float = math.inf, smoothing: float = 0.9, reward_scale: float = 1.0, writes_links=None):
        if not isinstance(recipe, Recipe):
            raise RecipeError(f"MixAdapter needs a recipe_runtime.Recipe, not {type(recipe).__name__}")
        if policy not in POLICIES:
            raise RecipeError(f"unknown policy {policy!r}; the policies are {', '.join(POLICIES)}")
        if isinstance(every_samples, bool) or not isinstance(every_samples, int) or every_samples < 1:
            raise RecipeError(f"every_samples must be a positive number of global samples between decisions, not {every_samples!r}")
        if lag_samples is None:
            lag_samples = _lag_of(loader) if loader is not None else 0
        if isinstance(lag_samples, bool) or not isinstance(lag_samples, int) or lag_samples < 0:
            raise RecipeError(f"lag_samples must be 0 or more samples, not {lag_samples!r}")
        distributed = _distributed()
        if writes_links is None:
            writes_links = not distributed or _torch_distributed().get_rank() == 0
        self.recipe = recipe
        self.chain_dir = os.path.abspath(os.fspath(chain_dir))
        self.policy = policy
        self.every_samples = every_samples
        self.lag_samples = lag_samples
        options = {"policy": policy, "everySamples": every_samples, "lagSamples": lag_samples, "floor": float(floor),
                   "ceiling": None if math.isinf(ceiling) else float(ceiling), "writesLinks": bool(writes_links),
                   "smoothing": float(smoothing), "rewardScale": float(reward_scale)}
        lib = recipe._native()
        value = lib.handle(lib.adapter_open, recipe._handle(), self.chain_dir.encode("utf-8"), json.dumps(options).encode("utf-8"),
                           what=f"mix adapter of recipe '{recipe.name}' over {self.chain_dir}")
        self._handle = _Handle(lib, value)
        self._sums = np.zeros(2 * len(recipe.source_names), dtype=np.float64)

    def update(self, source_ids, losses) -> None:
        """Adds one loss per row of this rank's batch; ids and losses may be torch tensors (any device) or arrays."""
        ids, values = _rows(source_ids, losses, "MixAdapter.update")
        lib = self._handle.native
        lib.check(lib.adapter_update(self._handle.value, ids.ctypes.data, values.ctypes.data, ids.size), "MixAdapter.update")

    def step(self, next_sample: int):
        """After each step, with the batch's state["nextSample"]: decides when a window is full; the decision as a dict
        ({"number", "decidedAt", "switchSample", "path", "hash", "proposed", "weights", "clips", "log"}), else None."""
        lib = self._handle.native
        due = ctypes.c_int32(0)
        lib.check(lib.adapter_window(self._handle.value, int(next_sample), self._sums.ctypes.data, self._sums.size, ctypes.byref(due)), "MixAdapter.step")
        if not due.value:
            return None
        sums = self._sums
        if _distributed():
            import torch

            reduced = torch.from_numpy(sums.copy())
            _torch_distributed().all_reduce(reduced)
            sums = np.ascontiguousarray(reduced.numpy(), dtype=np.float64)
        return lib.json(lib.adapter_decide, self._handle.value, int(next_sample), sums.ctypes.data, sums.size)

    def set_weights(self, weights) -> None:
        """The weights the manual policy proposes at the next decision, one per source (normalised)."""
        values = np.ascontiguousarray(_to_numpy(weights), dtype=np.float64).reshape(-1)
        lib = self._handle.native
        lib.check(lib.adapter_set_weights(self._handle.value, values.ctypes.data, values.size), "MixAdapter.set_weights")

    def info(self) -> dict:
        """{"decisions", "current" (the latest link's path), "hash", "state"}."""
        lib = self._handle.native
        return lib.json(lib.adapter_info_json, self._handle.value)

    @property
    def decisions(self) -> int:
        return self.info()["decisions"]

    @property
    def current_path(self) -> str:
        """The latest link: `lib.from_json` of it replays the run's stream."""
        return self.info()["current"]

    def state_dict(self) -> dict:
        """What a checkpoint saves (with the batch's "state"): the decisions, the window and the policy."""
        return {"adapter": self.info()["state"]}

    def load_state_dict(self, state: dict) -> None:
        """Takes the chain up at the checkpoint: links decided after it are moved aside and will be decided again.
        Call it before opening the RecipeDataset that follows the chain."""
        if not isinstance(state, dict) or "adapter" not in state:
            raise RecipeError(f"MixAdapter state must be the dict state_dict() returned, not {state!r}")
        lib = self._handle.native
        lib.check(lib.adapter_restore(self._handle.value, str(state["adapter"]).encode("utf-8")), "MixAdapter.load_state_dict")


def _lag_of(loader) -> int:
    """Samples a DataLoader over a RecipeDataset can have assembled ahead of the trainer, plus one global batch."""
    dataset = getattr(loader, "dataset", None)
    if dataset is None or not hasattr(dataset, "batch_size"):
        raise RecipeError("MixAdapter(loader=...) takes a torch DataLoader over a RecipeDataset")
    workers = loader.num_workers
    ahead = workers * (loader.prefetch_factor or 2) if workers > 0 else 0
    return (ahead + 1) * dataset.batch_size * dataset.world_size


def _torch_distributed():
    import torch.distributed

    return torch.distributed


def _distributed() -> bool:
    try:
        distributed = _torch_distributed()
    except ImportError:
        return False
    return distributed.is_available() and distributed.is_initialized()
