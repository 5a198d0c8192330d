"""The .pyi stubs name exactly what phusong._core exports, with the same parameters."""

import ast
import re
from pathlib import Path

import phusong._core as core

STUB = Path(__file__).resolve().parents[2] / "bindings" / "phusong" / "_core.pyi"


def stub_names():
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    funcs, classes = {}, {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            funcs[node.name] = [a.arg for a in node.args.args + node.args.kwonlyargs]
        elif isinstance(node, ast.ClassDef):
            members = set()
            for n in node.body:
                if isinstance(n, ast.FunctionDef):
                    members.add(n.name)
                elif isinstance(n, ast.AnnAssign):
                    members.add(n.target.id)
            classes[node.name] = members
    return funcs, classes


def runtime_params(fn):
    first = (fn.__doc__ or "").splitlines()[0]
    return re.findall(r"(?:\(|, )(\w+): ", first.split(" -> ")[0])


def test_every_export_is_stubbed_and_back():
    funcs, classes = stub_names()
    public = {n for n in dir(core) if not n.startswith("_")}
    assert public == set(funcs) | set(classes)


def test_function_parameters_match():
    funcs, _ = stub_names()
    for name, params in funcs.items():
        assert runtime_params(getattr(core, name)) == params, name


def test_class_members_match():
    _, classes = stub_names()
    for name, members in classes.items():
        cls = getattr(core, name)
        if issubclass(cls, BaseException):
            continue
        public = {n for n in dir(cls) if not n.startswith("_")}
        assert public == {m for m in members if not m.startswith("_")}, name
