"""A PyTorch IterableDataset over a recipe's batches (requires torch).

    from recipe_runtime.torch import RecipeDataset
    ds = RecipeDataset(recipe, "data", batch_size=8, shifted=True)
    for batch in torch.utils.data.DataLoader(ds, batch_size=None, num_workers=2):
        batch["tokens"], batch["source_ids"], batch["ordinals"], batch["state"]
"""

from __future__ import annotations

import ctypes
import json
import os
import sys

import numpy as np
import torch
import torch.utils.data

from . import Recipe, RecipeError, _Handle

__all__ = ["RecipeDataset"]


class RecipeDataset(torch.utils.data.IterableDataset):
    """Whole batches of one data-parallel rank, in the order of the recipe's global stream.

    Each item is {"tokens": int32 [B, L] (or [B, L + 1] with `shifted`), "source_ids": int32 [B], "ordinals": int64 [B],
    "state": dict}. Rank r of W gets rows r·B ... (r + 1)·B − 1 of every global batch of B·W samples; rank and world
    size default to torch.distributed's when it is initialised. Use it with DataLoader(ds, batch_size=None,
    num_workers=N): worker w of N makes steps w, w + N, ..., so the batches come out in the global order for any N.
    A batch's "state" given to `load_state_dict` of a new dataset resumes right after that batch, whatever the world
    size and batch size of the dataset that wrote it.

    `batch_size` is the rows per rank, an int, or a schedule [(start_sample, rows_per_rank), ...] (the first at sample
    0, starts increasing): a change takes effect at the first step boundary at or after its start, e.g. a ramp
    [(0, 4), (4096, 8)]; every rank and worker computes the same steps with no communication.

    `chain_dir`: the folder where a MixAdapter writes its decisions (`<name>.<k>.recipe.json`, continuations of the
    recipe). Every process follows the chain: before each batch it takes up the links written since, so a sample is
    drawn under the latest link whose switch point is at or before it. A link that arrives after a worker assembled a
    batch past its switch point is an error that says to raise the adapter's lag_samples.
    """

    def __init__(self, recipe: Recipe, data_root, batch_size, shifted: bool = False, rank=None, world_size=None, chain_dir=None):
        super().__init__()
        if not isinstance(recipe, Recipe):
            raise RecipeError(f"RecipeDataset needs a recipe_runtime.Recipe (lib[name] or lib.from_json(path)), not {type(recipe).__name__}")
        if rank is None or world_size is None:
            distributed = torch.distributed.is_available() and torch.distributed.is_initialized()
            if rank is None:
                rank = torch.distributed.get_rank() if distributed else 0
            if world_size is None:
                world_size = torch.distributed.get_world_size() if distributed else 1
        self.recipe = recipe
        self.data_root = os.path.abspath(os.fspath(data_root))
        if not os.path.isdir(self.data_root):
            raise RecipeError(f"data root {self.data_root}: no such folder (recipe '{recipe.name}' reads its sources under it)")
        self.batch_sizes = _batch_sizes(batch_size)
        self.batch_size = max(rows for _, rows in self.batch_sizes)
        self.shifted = bool(shifted)
        self.rank = int(rank)
        self.world_size = int(world_size)
        self._start_step = 0
        self.chain_dir = None if chain_dir is None else os.path.abspath(os.fspath(chain_dir))
        # The state this dataset resumed from: every process's loader restores it, so all cut the same steps.
        self._origin = None
        self._loader_here = None
        self._links = []
        # Opened here so that bad input (a missing or truncated shard, a bad rank) fails at construction, in the trainer.
        info = self._loader()[1]
        self.steps: int = info["steps"]
        self.rows: int = info["rows"]
        self.width: int = info["width"]
        self.warnings: str = info["warnings"]
        self._state_template = json.loads(info["state"])

    def __len__(self) -> int:
        """Batches this dataset yields from its current start (the run's steps, fewer after load_state_dict)."""
        return self.steps - self._start_step

    def state_dict(self) -> dict:
        """The state where iteration starts (a batch's own "state" is the one to checkpoint during training)."""
        return dict(self._origin) if self._origin is not None else dict(self._state_template)

    def load_state_dict(self, state: dict) -> None:
        """Continues right after the batch whose "state" this is, on any world size and batch size; RecipeError for another recipe or stream."""
        if not isinstance(state, dict) or "recipeHash" not in state or "nextSample" not in state:
            raise RecipeError(f"loader state must be a batch's \"state\" dict with \"recipeHash\" and \"nextSample\", not {state!r}")
        # The library decides whether the state belongs to this stream: another recipe's is refused, and so is one of
        # a recipe this one continues taken past the switch; one taken at or before the switch resumes.
        # Reopened with the state, so that the restore also sets the step count (a state off this shape's step
        # boundaries starts the steps at its sample); a refused state leaves the dataset as it was.
        previous_origin, previous_loader = self._origin, self._loader_here
        self._origin, self._loader_here = dict(state), None
        try:
            _, info = self._loader()
        except BaseException:
            if self._loader_here is not None and self._loader_here[0].pid == os.getpid():
                self._loader_here[0].release()
            self._origin, self._loader_here = previous_origin, previous_loader
            raise
        if previous_loader is not None and previous_loader[0].pid == os.getpid():
            previous_loader[0].release()
        self.steps = info["steps"]
        self._start_step = self._origin_step

    def _loader(self):
        """This process's loader handle and info (a worker process opens its own)."""
        here = self._loader_here
        if here is None or here[0].pid != os.getpid():
            lib = self.recipe._native()
            starts = (ctypes.c_int64 * len(self.batch_sizes))(*(start for start, _ in self.batch_sizes))
            rows = (ctypes.c_int32 * len(self.batch_sizes))(*(size for _, size in self.batch_sizes))
            value = lib.handle(
                lib.loader_open,
                self.recipe._handle(),
                self.data_root.encode("utf-8"),
                starts,
                rows,
                len(self.batch_sizes),
                self.rank,
                self.world_size,
                1 if self.shifted else 0,
                what=f"recipe '{self.recipe.name}', data root {self.data_root}",
            )
            handle = _Handle(lib, value)
            links = self._follow(lib, value, 0)
            if self._origin is not None:
                step = ctypes.c_int64(0)
                lib.check(lib.loader_restore(value, json.dumps(self._origin).encode("utf-8"), ctypes.byref(step)), f"recipe '{self.recipe.name}' loader state")
                self._origin_step = step.value
            info = lib.json(lib.loader_info_json, value)
            here = self._loader_here = (handle, info, links)
        return here[0].value, here[1]

    def _follow(self, lib, loader: int, links: int) -> int:
        """Switches the loader to each link of the chain written after link `links`; returns the links taken."""
        if self.chain_dir is None:
            return links
        while True:
            path = os.path.join(self.chain_dir, f"{self.recipe.name}.{links + 1}.recipe.json")
            if not os.path.exists(path):
                return links
            link = self.recipe.library.from_json(path)
            if link.samples != self.recipe.samples:
                raise RecipeError(f"{path}: a run of {link.samples} samples, but recipe '{self.recipe.name}' has {self.recipe.samples}; a chain this dataset follows keeps the run's length")
            lib.check(lib.loader_switch(loader, link._handle()), f"{path} (raise the MixAdapter's lag_samples if this worker read past its switch point)")
            self._links.append(link)  # keeps the link's handle open while the loader reads it
            links += 1

    def __iter__(self):
        worker = torch.utils.data.get_worker_info()
        first, stride = (0, 1) if worker is None else (worker.id, worker.num_workers)
        handle, _ = self._loader()
        lib = self.recipe._native()
        fill = lib.loader_fill
        check = lib.check
        what = f"recipe '{self.recipe.name}'"
        step_of = lib.loader_step
        width, world = self.width, self.world_size
        first_sample, rows_here = ctypes.c_int64(0), ctypes.c_int32(0)
        # A worker's batches travel to the trainer through shared memory: allocated there (as default_collate does),
        # they are not copied again on the way. In the trainer's own process they come from a pool of buffers that is
        # reused once nothing refers to a batch any more, so no batch pays for fresh pages.
        empty = _shared_empty if worker is not None else _BufferPool().empty
        template = json.loads(self._loader_here[1]["state"])
        for step in range(self._start_step + first, self.steps, stride):
            if self.chain_dir is not None:
                links = self._follow(lib, handle, self._loader_here[2])
                if links != self._loader_here[2]:
                    info = lib.json(lib.loader_info_json, handle)
                    self._loader_here = (self._loader_here[0], info, links)
                    template = json.loads(info["state"])
            check(step_of(handle, step, ctypes.byref(first_sample), ctypes.byref(rows_here)), what)
            rows = rows_here.value
            tokens = empty((rows, width), torch.int32)
            source_ids = empty((rows,), torch.int32)
            ordinals = empty((rows,), torch.int64)
            # The native side writes straight into the tensors' memory.
            check(fill(handle, step, tokens.data_ptr(), source_ids.data_ptr(), ordinals.data_ptr()), what)
            state = dict(template)
            state["nextSample"] = first_sample.value + rows * world
            state["writtenBy"] = {"worldSize": world, "rowsPerRank": rows}
            yield {"tokens": tokens, "source_ids": source_ids, "ordinals": ordinals, "state": state}

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_loader_here"] = None  # a handle of this process; the receiving process opens its own
        state["_links"] = []
        return state


def _batch_sizes(batch_size) -> list:
    """[(start_sample, rows_per_rank), ...] from an int or a schedule; RecipeError naming a bad entry."""
    if isinstance(batch_size, bool):
        raise RecipeError(f"batch_size must be rows per rank (an int) or [(start_sample, rows_per_rank), ...], not {batch_size!r}")
    if isinstance(batch_size, int):
        entries = [(0, batch_size)]
    else:
        try:
            entries = [(int(start), int(rows)) for start, rows in batch_size]
        except (TypeError, ValueError):
            raise RecipeError(f"batch_size must be rows per rank (an int) or [(start_sample, rows_per_rank), ...], not {batch_size!r}") from None
    if not entries:
        raise RecipeError("batch_size schedule is empty: give at least (0, rows_per_rank)")
    for i, (start, rows) in enumerate(entries):
        if rows < 1:
            raise RecipeError(f"batch_size entry {i} ({start}, {rows}): rows per rank must be at least 1")
        if i == 0 and start != 0:
            raise RecipeError(f"batch_size entry 0 starts at sample {start}: the first entry starts at sample 0")
        if i > 0 and start <= entries[i - 1][0]:
            raise RecipeError(f"batch_size entry {i} starts at sample {start}, not after entry {i - 1}'s {entries[i - 1][0]}: starts must increase")
    return entries


class _BufferPool:
    """Tensors over numpy buffers that are handed out again once no tensor or view uses them.

    A tensor made by torch.from_numpy keeps its array alive, so an array the pool alone refers to belongs to no batch
    a trainer still holds (the batch, a view of it, a slice). A new 512 KB tensor instead costs its page faults on
    every batch (about 0.7 ms at B = 64, L = 2048, while the trainer holds the batch before it), more than filling it.
    """

    # Buffers kept per shape and type; a trainer that holds more batches than this gets fresh ones past it.
    LIMIT = 16

    def __init__(self):
        self._free = {}

    def empty(self, shape, dtype):
        key = (tuple(shape), dtype)
        arrays = self._free.setdefault(key, [])
        for i in range(len(arrays)):
            # Two references: the list's and getrefcount's argument; a tensor over it would make a third.
            if sys.getrefcount(arrays[i]) == 2:
                return torch.from_numpy(arrays[i])
        array = np.empty(shape, dtype=_NUMPY_TYPES[dtype])
        if len(arrays) < self.LIMIT:
            arrays.append(array)
        return torch.from_numpy(array)


_NUMPY_TYPES = {torch.int32: np.int32, torch.int64: np.int64}


def _shared_empty(shape, dtype):
    numel = 1
    for size in shape:
        numel *= size
    storage = torch.empty(0, dtype=dtype).storage()._new_shared(numel)
    return torch.empty(0, dtype=dtype).set_(storage).view(shape)
