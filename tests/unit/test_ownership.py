"""One owner per table: a subsystem writes only its own state and acts on others through their
methods. An AST scan of the simulation's modules fails on any assignment, augmented assignment or
in-place call (``np.add.at``, ``.fill``, ``.append``...) whose target belongs to something other than
the code's own object: ``other.x = ...``, ``model.dealers.stock[i] -= ...``, ``self.model.ledger.lost
+= ...``, or a local name bound to another subsystem's array."""

from __future__ import annotations

import ast
from pathlib import Path

import marketsim as ms
from marketsim.sim import SUBSYSTEMS

SIM = Path(ms.__file__).parent / "sim"
NOT_YET: set[str] = set()
"""Files not scanned yet (none: the police, the interventions and the policies call owner methods)."""
ALLOWED = {
    ("common.py", "method.metric"): "the @metric decorator marks a method; it is not state",
    ("interventions.py", "model.p"): "the schedule sets the parameters in force: the model's, no subsystem's",
    ("interventions.py", "model.scenario"): "an event staged during the run becomes part of the model's scenario",
}
"""Writes the scan would flag that are not another subsystem's state, with the reason."""
IN_PLACE_METHODS = {"fill", "append", "extend", "insert", "remove", "pop", "clear", "update", "add", "discard",
                    "setdefault", "sort", "reverse", "resize", "put", "itemset"}
SUBSYSTEM_NAMES = {cls.name for cls in SUBSYSTEMS}
IN_PLACE_FUNCTIONS = {"at", "copyto", "place", "putmask", "fill_diagonal"}  # np.add.at(x, ...), np.copyto(x, ...)


def chain(node: ast.expr) -> tuple[str | None, list[str]]:
    """The root name of an attribute/subscript chain and the attributes on the way, outermost last:
    ``self.model.dealers.stock[i]`` → ("self", ["model", "dealers", "stock"])."""
    attributes = []
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Starred):
        if isinstance(node, ast.Attribute):
            attributes.append(node.attr)
        node = node.value
    return (node.id if isinstance(node, ast.Name) else None), attributes[::-1]


def foreign(node: ast.expr, names: dict[str, bool]) -> bool:
    """Whether an expression names state of something other than the code's own object. ``names``: local
    names bound to an attribute chain, and whether that chain is foreign (``stock = dealers.stock``) or
    the code's own (``b = self.by_org``)."""
    root, attributes = chain(node)
    if root is None:
        return False
    if root == "self" or names.get(root) is False:
        return attributes[:1] == ["model"] and len(attributes) > 1
    return bool(attributes) or names.get(root, False)


def names_a_subsystem(node: ast.expr) -> bool:
    """Whether an expression is a subsystem (``dealers``, ``model.orgs``): its methods are its owner's
    (``dealers.remove(slots)``), not a list's."""
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
    return name in SUBSYSTEM_NAMES


def writes(function: ast.AST) -> list[tuple[ast.expr, int]]:
    """Every expression ``function`` writes into, with its line (not plain re-binding of a local name)."""
    found: list[tuple[ast.expr, int]] = []
    for node in ast.walk(function):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign) and node.target is not None:
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            if node.func.attr in IN_PLACE_METHODS and not names_a_subsystem(receiver):
                found.append((receiver, node.lineno))
            elif node.func.attr in IN_PLACE_FUNCTIONS and node.args:
                found.append((node.args[0], node.lineno))
        for target in targets:
            for element in (target.elts if isinstance(target, ast.Tuple | ast.List) else [target]):
                if isinstance(element, ast.Name) and not isinstance(node, ast.AugAssign):
                    continue  # re-binding a local name writes nothing
                found.append((element, node.lineno))
    return found


def bindings(function: ast.AST) -> dict[str, bool]:
    """Local names bound to an attribute chain, and whether it is another object's (``stock =
    dealers.stock``: True) or the code's own (``b = self.by_org``, ``cohorts = self.cohorts[path]``: False)."""
    names: dict[str, bool] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = (zip(target.elts, node.value.elts, strict=False)
                         if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                         else [(target, node.value)])
                for name, value in pairs:
                    if isinstance(name, ast.Name) and isinstance(value, ast.Attribute | ast.Subscript):
                        root, attributes = chain(value)
                        if root is None:  # an element of a new array: nobody else's
                            continue
                        own = root == "self" and attributes[:1] != ["model"]
                        names[name.id] = names.get(name.id, False) or not own
    return names


def violations(path: Path) -> list[str]:
    """Writes in one module into state that is not the writing code's own."""
    tree = ast.parse(path.read_text())
    found = []
    for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.Lambda)):
        names = bindings(function)
        for target, line in writes(function):
            if foreign(target, names):
                text = ast.unparse(target)
                if (path.name, text.split("[")[0]) not in ALLOWED:
                    found.append(f"{path.name}:{line}: writes {text}")
    return sorted(set(found))


def modules() -> list[Path]:
    return [path for path in sorted(SIM.rglob("*.py"))
            if path.name not in NOT_YET and path.relative_to(SIM).parts[0] not in NOT_YET]


def test_every_subsystem_writes_only_its_own_state():
    found = [v for path in modules() for v in violations(path)]
    assert not found, "writes into another subsystem's state (call a method of its owner instead):\n" + "\n".join(found)


def test_the_scan_finds_each_kind_of_foreign_write(tmp_path):
    """The scan is not blind: each way of writing another's state is found, and writing one's own is not."""
    source = tmp_path / "example.py"
    source.write_text(
        "class Thing:\n"
        "    def rule(self, model, org):\n"
        "        model.dealers.stock[3] -= 1.0\n"
        "        self.model.ledger.lost += 2.0\n"
        "        org.cash = 0.0\n"
        "        stock = model.dealers.stock\n"
        "        stock += 1\n"
        "        np.add.at(model.orgs.by_org.cash, [1], 2.0)\n"
        "        org.members.append(4)\n"
        "        self.by_org.cash[1] += 1.0\n"
        "        b = self.by_org\n"
        "        b.cash[2] = 1.0\n"
        "        held = self.model.orgs.by_org\n"
        "        held.cash[2] = 1.0\n"
        "        self.flow = 0\n"
        "        local = [1]\n"
        "        local.append(2)\n"
        "        total = model.dealers.stock.sum()\n"
        "        model.dealers.remove([1, 2])\n")
    assert {v.split(": ", 1)[1] for v in violations(source)} == {
        "writes model.dealers.stock[3]", "writes self.model.ledger.lost", "writes org.cash", "writes stock",
        "writes model.orgs.by_org.cash", "writes org.members", "writes held.cash[2]"}
    assert all(key[0] in {p.name for p in modules()} for key in ALLOWED)
