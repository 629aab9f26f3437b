"""`pip install ./python` (README step 9) installs a package that imports and works away from the source tree."""

import os
import shutil
import subprocess
import sys

from conftest import PYTHON


def test_pip_install_gives_an_importable_package(tmp_path, library_path):
    # pip builds in the source folder; a copy keeps build/ and *.egg-info out of the repository.
    source = tmp_path / "python"
    shutil.copytree(PYTHON, source, ignore=shutil.ignore_patterns("tests", "__pycache__", "build", "*.egg-info"))
    target = tmp_path / "site-packages"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "--target", str(target), str(source)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    assert "No module named pip" not in install.stdout, "pip is missing: apt-get install python3-pip python3-setuptools"
    assert install.returncode == 0, install.stdout[-3000:]

    code = ("import recipe_runtime as rr, sys; lib = rr.load(sys.argv[1]); "
            "print(rr.__file__); print(sorted(lib.names)); print(lib['tiny-mix'].plan(0, 3)[0].tolist())")
    run = subprocess.run([sys.executable, "-c", code, library_path], cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(target)),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:]
    where, names, sources = run.stdout.splitlines()[-3:]
    assert where.startswith(str(target)), where
    assert "tiny-mix" in names
    assert len(eval(sources)) == 3
