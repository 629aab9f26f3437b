"""Compiled data-mixture recipes in Python: the recipes of a native recipe library (a recipe project published with
<RecipeNativeLibrary>true</RecipeNativeLibrary>), JSON recipes read at run time, their plans and weights, and the
mix monitor. `recipe_runtime.torch.RecipeDataset` feeds a PyTorch trainer.

    import recipe_runtime as rr
    lib = rr.load("OUT/MyRecipes.so")
    recipe = lib["llama3-405b"]
    sources, ordinals = recipe.plan(0, 1000)
"""

from __future__ import annotations

import ctypes
import json
import os

import numpy as np

from ._native import ABI_VERSION, RecipeError, RecipeNotFound, native

__all__ = ["ABI_VERSION", "Library", "MixAdapter", "MixMonitor", "Recipe", "RecipeError", "RecipeNotFound", "load"]


def load(path) -> "Library":
    """The recipe library at `path` (a .so published from a recipe project, or the generic Recipe.Native.so).

    Raises RecipeError when the file is missing, is not a recipe library, or speaks another ABI version.
    """
    return Library(path)


class Library:
    """A loaded recipe library: its compiled recipes by name, and JSON recipes read at run time."""

    def __init__(self, path):
        self.path = os.path.abspath(os.fspath(path))
        info = native(self.path).json(native(self.path).library_json)
        self._names = tuple(info["recipes"])

    @property
    def names(self) -> tuple:
        """The names of the recipes compiled into the library, in registration order."""
        return self._names

    def __getitem__(self, name: str) -> "Recipe":
        """The compiled recipe `name`; a KeyError (also a RecipeError) naming the available ones when unknown."""
        return Recipe(self, "compiled", name)

    def __contains__(self, name) -> bool:
        return name in self._names

    def __iter__(self):
        return (self[name] for name in self._names)

    def __len__(self) -> int:
        return len(self._names)

    def from_json(self, path) -> "Recipe":
        """A JSON recipe read and checked at run time: the same stream, bit for bit, as the compiled recipe of its text.

        Raises RecipeError naming the file, line, column and rule (RCP id) when the recipe is invalid.
        """
        return Recipe(self, "json", os.path.abspath(os.fspath(path)))

    def _native(self):
        return native(self.path)

    def __reduce__(self):
        return (Library, (self.path,))

    def __repr__(self) -> str:
        return f"recipe_runtime.Library({self.path!r}, names={list(self._names)!r})"


class _Handle:
    """A native handle owned by the process that opened it: another process (a forked child) never releases it."""

    __slots__ = ("native", "value", "pid")

    def __init__(self, native_library, value: int):
        self.native = native_library
        self.value = value
        self.pid = os.getpid()

    def release(self) -> None:
        if self.value and self.pid == os.getpid():
            self.native.release(self.value)
        self.value = 0

    def __del__(self):
        try:
            self.release()
        except Exception:  # interpreter shutdown
            pass


class Recipe:
    """A recipe of a library: compiled into it, or read from a JSON file at run time."""

    def __init__(self, library: Library, kind: str, spec: str):
        self.library = library
        self._kind = kind
        self._spec = spec
        self._handle_here = None
        info = self._native().json(self._native().info_json, self._handle())
        self.name: str = info["name"]
        self.hash: str = info["hash"]
        self.source_names: tuple = tuple(source["name"] for source in info["sources"])
        self.declared_tokens: tuple = tuple(source["tokens"] for source in info["sources"])
        self.sequence_length: int = info["sequenceLength"]
        self.samples: int = info["samples"]
        self.total_tokens: int = info["totalTokens"]
        self.seed: int = info["seed"]

    def _native(self):
        return self.library._native()

    def _handle(self) -> int:
        """This recipe's handle in this process's runtime (opened again in a child process)."""
        if self._handle_here is None or self._handle_here.pid != os.getpid():
            lib = self._native()
            if self._kind == "compiled":
                value = lib.handle(lib.open, self._spec.encode("utf-8"), what=os.path.basename(self.library.path))
            else:
                value = lib.handle(lib.open_json, self._spec.encode("utf-8"))
            self._handle_here = _Handle(lib, value)
        return self._handle_here.value

    def weights(self, token: int) -> np.ndarray:
        """w(t): the share of each source at token position `token`, float64, in declaration order."""
        out = np.empty(len(self.source_names), dtype=np.float64)
        lib = self._native()
        lib.check(lib.weights(self._handle(), int(token), out.ctypes.data, out.size), f"recipe '{self.name}'")
        return out

    def plan(self, start: int, count: int):
        """(sources int16, ordinals int64) of samples [start, start + count): the slice of `recipe export`'s arrays."""
        sources = np.empty(int(count), dtype=np.int16)
        ordinals = np.empty(int(count), dtype=np.int64)
        lib = self._native()
        lib.check(lib.plan(self._handle(), int(start), int(count), sources.ctypes.data, ordinals.ctypes.data), f"recipe '{self.name}'")
        return sources, ordinals

    def __reduce__(self):
        return (Recipe, (self.library, self._kind, self._spec))

    def __repr__(self) -> str:
        where = "compiled" if self._kind == "compiled" else self._spec
        return f"recipe_runtime.Recipe({self.name!r}, {where}, hash={self.hash})"


class MixMonitor:
    """Per-source training loss (the runtime's MixMonitor): a moving average per source and a recommendation.

    Feed it the batch's `source_ids` and one loss per row; `report()` gives {source: {"ema_loss", "samples",
    "verdict", "recommendation", "loss_change_percent"}}.
    """

    def __init__(self, recipe: Recipe):
        self.recipe = recipe
        lib = recipe._native()
        self._handle = _Handle(lib, lib.handle(lib.monitor_open, recipe._handle()))

    def update(self, source_ids, losses) -> None:
        """Records one loss per row; ids and losses may be torch tensors (any device) or arrays."""
        ids, values = _rows(source_ids, losses, "MixMonitor.update")
        lib = self._handle.native
        lib.check(lib.monitor_update(self._handle.value, ids.ctypes.data, values.ctypes.data, ids.size), "MixMonitor.update")

    def report(self) -> dict:
        lib = self._handle.native
        raw = lib.json(lib.monitor_report_json, self._handle.value)
        return {
            name: {
                "ema_loss": entry["emaLoss"],
                "samples": entry["samples"],
                "verdict": entry["verdict"],
                "recommendation": entry["action"],
                "loss_change_percent": entry["lossChangePercent"],
            }
            for name, entry in raw.items()
        }


def _rows(source_ids, losses, what: str):
    """A batch's source ids (int32) and one loss per row (float32), contiguous for the library; RecipeError on a length mismatch."""
    ids = np.ascontiguousarray(_to_numpy(source_ids), dtype=np.int32).reshape(-1)
    values = np.ascontiguousarray(_to_numpy(losses), dtype=np.float32).reshape(-1)
    if ids.size != values.size:
        raise RecipeError(f"{what}: {ids.size} source ids but {values.size} losses; give one loss per row")
    return ids, values


def _to_numpy(values):
    if hasattr(values, "detach"):
        return values.detach().cpu().numpy()
    return np.asarray(values)


from .adapt import MixAdapter  # noqa: E402  (it uses the classes above)
