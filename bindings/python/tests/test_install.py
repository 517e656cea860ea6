"""`cmake --install` puts a complete package where Debian's python3 finds it: installed into a scratch prefix, the
module imports from there alone (no build tree on the path) and loads the sample; for the default prefix /usr/local
the install folder is on Debian python3's sys.path."""

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SAMPLE


def _cache(build, name):
    for line in (build / "CMakeCache.txt").read_text().splitlines():
        if line.startswith(name + ":"):
            return line.split("=", 1)[1]
    raise AssertionError(f"{name} not in the CMake cache")


def test_install_component_python_imports_from_the_prefix(tmp_path):
    build = Path(os.environ["CIM_BUILD_DIR"])
    cmake = os.environ.get("CIM_CMAKE", "cmake")
    prefix = tmp_path / "prefix"
    subprocess.run([cmake, "--install", str(build), "--component", "python", "--prefix", str(prefix)], check=True,
                   capture_output=True)
    package = prefix / _cache(build, "CIM_PYTHON_INSTALL_DIR") / "cim"
    names = sorted(p.name for p in package.iterdir())
    assert {"__init__.py", "_frames.py", "_cim.pyi", "py.typed"} <= set(names)
    assert any(n.startswith("_cim.") and n.endswith(".so") for n in names)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(package.parent)
    code = ("import cim, sys; assert cim.__file__.startswith(sys.argv[1]), cim.__file__; "
            "s = cim.load(sys.argv[2], crs='EPSG:4549+5737'); print(s.element_count, cim.__version__)")
    run = subprocess.run([sys.executable, "-c", code, str(package), str(SAMPLE / "pipe_lines.csv")], env=env,
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[0] == "35"


def test_default_install_folder_is_on_debian_pythons_path():
    build = Path(os.environ["CIM_BUILD_DIR"])
    folder = Path("/usr/local") / _cache(build, "CIM_PYTHON_INSTALL_DIR")
    out = subprocess.run(["/usr/bin/python3", "-c", "import sys; print('\\n'.join(sys.path))"], capture_output=True,
                         text=True, check=True, env={"PATH": "/usr/bin:/bin"}).stdout.splitlines()
    assert str(folder) in out
