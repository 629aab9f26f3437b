"""ctypes bindings of the C ABI (one library file, loaded once per process).

.NET cannot run managed code in a forked child of a process that started its runtime, so a process that inherited
the library through fork() (a DataLoader worker under the default start method) maps its own copy: the same file
copied to a private path and loaded from there is, to the dynamic loader, another library with an independent
runtime. The copy is unlinked once loaded (the mapping keeps it alive).
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import tempfile
import threading

ABI_VERSION = 3

OK = 0
ERROR = 1
NOT_FOUND = 2
BUFFER_TOO_SMALL = 3
INVALID_HANDLE = 4


class RecipeError(Exception):
    """Any failure of the recipe library: a missing file, an invalid recipe, bad data, a wrong state."""


class RecipeNotFound(RecipeError, KeyError):
    """No compiled recipe of that name; the message names the ones the library holds."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


_c_long_p = ctypes.POINTER(ctypes.c_int64)

_SIGNATURES = {
    "recipe_abi_version": ([], ctypes.c_int32),
    "recipe_last_error": ([ctypes.c_char_p, ctypes.c_int64, _c_long_p], ctypes.c_int32),
    "recipe_library_json": ([ctypes.c_char_p, ctypes.c_int64, _c_long_p], ctypes.c_int32),
    "recipe_open": ([ctypes.c_char_p, _c_long_p], ctypes.c_int32),
    "recipe_open_json": ([ctypes.c_char_p, _c_long_p], ctypes.c_int32),
    "recipe_info_json": ([ctypes.c_int64, ctypes.c_char_p, ctypes.c_int64, _c_long_p], ctypes.c_int32),
    "recipe_weights": ([ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int32], ctypes.c_int32),
    "recipe_plan": ([ctypes.c_int64, ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p, ctypes.c_void_p], ctypes.c_int32),
    "recipe_loader_open": (
        [ctypes.c_int64, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32, _c_long_p],
        ctypes.c_int32,
    ),
    "recipe_loader_step": ([ctypes.c_int64, ctypes.c_int64, _c_long_p, ctypes.POINTER(ctypes.c_int32)], ctypes.c_int32),
    "recipe_loader_info_json": ([ctypes.c_int64, ctypes.c_char_p, ctypes.c_int64, _c_long_p], ctypes.c_int32),
    "recipe_loader_fill": ([ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p], ctypes.c_int32),
    "recipe_loader_restore": ([ctypes.c_int64, ctypes.c_char_p, _c_long_p], ctypes.c_int32),
    "recipe_monitor_open": ([ctypes.c_int64, _c_long_p], ctypes.c_int32),
    "recipe_monitor_update": ([ctypes.c_int64, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64], ctypes.c_int32),
    "recipe_monitor_report_json": ([ctypes.c_int64, ctypes.c_char_p, ctypes.c_int64, _c_long_p], ctypes.c_int32),
    "recipe_loader_switch": ([ctypes.c_int64, ctypes.c_int64], ctypes.c_int32),
    "recipe_adapter_open": ([ctypes.c_int64, ctypes.c_char_p, ctypes.c_char_p, _c_long_p], ctypes.c_int32),
    "recipe_adapter_update": ([ctypes.c_int64, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64], ctypes.c_int32),
    "recipe_adapter_window": ([ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64, ctypes.POINTER(ctypes.c_int32)], ctypes.c_int32),
    "recipe_adapter_decide": ([ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64, ctypes.c_char_p, ctypes.c_int64, _c_long_p], ctypes.c_int32),
    "recipe_adapter_set_weights": ([ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64], ctypes.c_int32),
    "recipe_adapter_info_json": ([ctypes.c_int64, ctypes.c_char_p, ctypes.c_int64, _c_long_p], ctypes.c_int32),
    "recipe_adapter_restore": ([ctypes.c_int64, ctypes.c_char_p], ctypes.c_int32),
    "recipe_release": ([ctypes.c_int64], ctypes.c_int32),
}


class Native:
    """The library as loaded in this process: its functions, with every status turned into a RecipeError."""

    def __init__(self, path: str, load_path: str):
        self.path = path
        try:
            dll = ctypes.CDLL(load_path)
        except OSError as e:
            raise RecipeError(f"{path}: cannot load the recipe library ({e})") from None
        missing = [name for name in _SIGNATURES if not hasattr(dll, name)]
        if missing:
            raise RecipeError(f"{path}: not a recipe library (it exports no {missing[0]}); publish a recipe project with <RecipeNativeLibrary>true</RecipeNativeLibrary>")
        for name, (args, result) in _SIGNATURES.items():
            function = getattr(dll, name)
            function.argtypes = args
            function.restype = result
            setattr(self, name[len("recipe_"):], function)
        version = self.abi_version()
        if version != ABI_VERSION:
            raise RecipeError(f"{path}: recipe library ABI version {version}, but this recipe_runtime speaks version {ABI_VERSION}; use the recipe_runtime of the same release as the library")
        self._dll = dll

    def check(self, status: int, what: str = "") -> None:
        if status == OK:
            return
        message = self._last_error() or f"status {status}"
        if what:
            message = f"{what}: {message}"
        if status == NOT_FOUND:
            raise RecipeNotFound(message)
        raise RecipeError(message)

    def text(self, call, *args) -> str:
        """Calls a (buffer, capacity, length) function, growing the buffer once when the text does not fit."""
        length = ctypes.c_int64(0)
        capacity = 4096
        while True:
            buffer = ctypes.create_string_buffer(capacity)
            status = call(*args, buffer, capacity, ctypes.byref(length))
            if status == BUFFER_TOO_SMALL and length.value + 1 > capacity:
                capacity = length.value + 1
                continue
            self.check(status)
            return buffer.raw[: length.value].decode("utf-8")

    def json(self, call, *args):
        return json.loads(self.text(call, *args))

    def handle(self, call, *args, what: str = "") -> int:
        handle = ctypes.c_int64(0)
        self.check(call(*args, ctypes.byref(handle)), what)
        return handle.value

    def _last_error(self) -> str:
        length = ctypes.c_int64(0)
        buffer = ctypes.create_string_buffer(4096)
        status = self.last_error(buffer, 4096, ctypes.byref(length))
        if status == BUFFER_TOO_SMALL:
            buffer = ctypes.create_string_buffer(length.value + 1)
            status = self.last_error(buffer, length.value + 1, ctypes.byref(length))
        return buffer.raw[: length.value].decode("utf-8", "replace") if status == OK else ""


_lock = threading.Lock()


def _after_fork_in_child() -> None:
    # Another thread of the parent may have held the lock at the fork.
    global _lock
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)
# (pid, path) -> Native. Entries of another pid were inherited through fork and must not be called.
_loaded: dict = {}


def native(path: str) -> Native:
    """The library at `path` as loaded in this process (a private copy in a forked child of a process that loaded it)."""
    pid = os.getpid()
    with _lock:
        found = _loaded.get((pid, path))
        if found is not None:
            return found
        inherited = any(key[1] == path for key in _loaded)
        if not os.path.isfile(path):
            raise RecipeError(f"{path}: no such recipe library (publish the recipe project: dotnet publish -c Release -r linux-x64 -o OUT)")
        if inherited:
            loaded = _load_copy(path)
        else:
            loaded = Native(path, path)
        _loaded[(pid, path)] = loaded
        return loaded


def _load_copy(path: str) -> Native:
    folder = tempfile.mkdtemp(prefix="recipe-runtime-")
    copy = os.path.join(folder, f"{os.getpid()}-{os.path.basename(path)}")
    try:
        shutil.copyfile(path, copy)
        return Native(path, copy)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
