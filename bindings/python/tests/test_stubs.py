"""The typing stubs (cim/_cim.pyi) name exactly what the module has: every public class, function and member."""

import ast
import inspect
from pathlib import Path

import cim
import cim._cim as native

STUB = Path(cim.__file__).with_name("_cim.pyi")
ALIASES = {"PathLike", "Paths", "Point3", "Points", "Progress", "CrsLike", "AttributeValue", "SiteShape"}
# __init__ is left out: pybind11 gives every class one (raising "No constructor defined" where there is none).
DUNDERS = {"__len__", "__getitem__", "__iter__", "__eq__", "__hash__", "__int__", "__index__"}


def _stub():
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    names, members = set(), {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
            members[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)} | {
                n.target.id for n in node.body if isinstance(n, ast.AnnAssign)}
        elif isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets)
    return names - ALIASES, members


def _runtime_members(cls):
    if issubclass(cls, BaseException):
        return set()
    own = set()
    for klass in cls.__mro__:
        if klass is object or klass.__module__ == "pybind11_builtins":
            continue
        own |= {n for n in vars(klass) if not n.startswith("__") or n in DUNDERS}
    return {n for n in own if not n.startswith("_") or n in DUNDERS or n == "_address"}


def test_stub_names_every_public_name_of_the_module():
    stub_names, _ = _stub()
    runtime = {n for n in dir(native) if not n.startswith("__")} | {"__version__"}
    assert stub_names == runtime


def test_stub_names_every_member_of_every_class():
    _, stub_members = _stub()
    for name, cls in inspect.getmembers(native, inspect.isclass):
        if issubclass(cls, BaseException):
            continue
        runtime = _runtime_members(cls)
        if name == "Severity":
            runtime = {n for n in runtime if n not in ("ERROR", "INFO", "WARNING")} | {"ERROR", "INFO", "WARNING"}
        stub = stub_members[name]
        assert runtime - stub == set(), f"{name}: members missing from the stub"
        assert stub - runtime - {"__eq__", "__hash__", "__int__", "__index__", "__init__"} == set(), \
            f"{name}: stub names members the module lacks"


def test_package_reexports_the_module():
    for name in dir(native):
        if not name.startswith("__"):
            assert getattr(cim, name) is getattr(native, name)
    assert (Path(cim.__file__).parent / "py.typed").is_file()
