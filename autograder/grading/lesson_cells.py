"""Which of a submission's cells a sandbox runs: SPEC's "Loading a submission", the fast path.

A lesson cell is one of the instructor's own cells that the student left unchanged (the exercise
gave it the hash of its source, see notebooks.is_unchanged_lesson_cell): a demonstration, a plot, a
timing loop. A sandbox skips it unless something it runs needs it: it is the last cell before the
point of use to bind (or assign into) a name that a running cell reads at its top level, or that
a function the sandbox calls reads, directly or through the functions and names that one reaches.
Several cells that bind a name by the same import (`import numpy as np`) give it the same value:
one of them runs, preferably one that runs anyway, else one that calls nothing at its top level.
A lesson cell that runs leaves out its top-level imports whose names nothing that runs reads
(`import matplotlib.pyplot as plt` beside the helpers the graded functions call). The student's
own cells always run, and so does a lesson cell whose names cannot be seen (exec, globals(), a
star import, a magic).
A method call that changes an object in place (`images.sort()`) is not seen: the instructor tags
such a cell `setup`. After grading, a question that failed for want of a name a skipped cell binds
sends the submission back to be graded with every cell run (pipeline.py), so that skipping never
changes a grade.
"""
import ast
import functools
import re
import symtable
from dataclasses import dataclass, field

# Names through which a cell can bind names that no reading of its source sees.
OPAQUE_READS = frozenset({"globals", "vars", "locals", "exec", "eval", "get_ipython", "__builtins__"})
_NOT_DEFINED = re.compile(r"NameError: name '(\w+)' is not defined")


@dataclass(frozen=True)
class CellNames:
    """The names of one cell. binds: what its top level binds or assigns into; defines: what a
    statement of its top level binds whatever happens (not in a loop, a branch, a `+=`); imports:
    {name: module} of the names that only an import binds; reads: the names its top level reads
    and does not bind itself; functions: {function or class it defines: the global names its body
    reads}; uses: every name it reads anywhere; calls: its top level calls something; opaque: it
    may bind names that cannot be seen."""
    binds: frozenset = frozenset()
    defines: frozenset = frozenset()
    imports: dict = field(default_factory=dict)
    reads: frozenset = frozenset()
    functions: dict = field(default_factory=dict)
    uses: frozenset = frozenset()
    calls: bool = True
    opaque: bool = False


@functools.lru_cache(maxsize=4096)  # a class hands in the same lesson cells again and again
def cell_names(source):
    """The CellNames of a cell's Python source; opaque when it does not parse."""
    try:
        tree = ast.parse(source)
        table = symtable.symtable(source, "<cell>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return CellNames(opaque=True)
    symbols = {symbol.get_name(): symbol for symbol in table.get_symbols()}
    own = {name for name, symbol in symbols.items() if symbol.is_assigned() or symbol.is_imported()}
    binds = own | _assigned_into(tree)
    reads = {name for name, symbol in symbols.items() if symbol.is_referenced()}
    functions = {}
    for child in table.get_children():
        named = symbols.get(child.get_name())
        if named is not None and named.is_namespace():
            functions.setdefault(child.get_name(), set()).update(_global_reads(child))
        else:  # a lambda or a comprehension: its body may run at the top level
            reads |= _global_reads(child)
        binds |= _declared_globals(child)
    star = any(isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
               for node in ast.walk(tree))
    defines, imports = _definite_bindings(tree)
    calls = any(isinstance(node, ast.Call) for node in _top_level_nodes(tree))
    return CellNames(frozenset(binds), frozenset(defines), {name: module for name, module in imports.items()
                                                            if name not in binds - defines},
                     frozenset(reads - own), functions, frozenset(reads.union(*functions.values())), calls,
                     opaque=star or bool(reads & OPAQUE_READS))


def _definite_bindings(tree):
    """(names bound by statements of the top level itself, {name: module} of those bound by an
    import there and by nothing else in the cell)."""
    defines, imports, other = set(), {}, set()
    for statement in tree.body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            for alias in statement.names:
                name = alias.asname or alias.name.split(".")[0]
                module = alias.name if isinstance(statement, ast.Import) else f"{statement.module}.{alias.name}"
                defines.add(name)
                imports[name] = module if alias.asname or isinstance(statement, ast.ImportFrom) else name
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defines.add(statement.name)
            other.add(statement.name)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)) and getattr(statement, "value", None) is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                for node in ast.walk(target):
                    if isinstance(node, ast.Name):
                        defines.add(node.id)
                        other.add(node.id)
    return defines, {name: module for name, module in imports.items() if name not in other}


def _global_reads(table):
    """The global names a function or class body reads, nested bodies included."""
    reads = {symbol.get_name() for symbol in table.get_symbols() if symbol.is_global() and symbol.is_referenced()}
    for child in table.get_children():
        reads |= _global_reads(child)
    return reads


def _declared_globals(table):
    """Names a body binds through a `global` statement."""
    names = {symbol.get_name() for symbol in table.get_symbols() if symbol.is_declared_global() and symbol.is_assigned()}
    for child in table.get_children():
        names |= _declared_globals(child)
    return names


def _assigned_into(tree):
    """Names whose items or attributes the top level assigns or deletes (`x[0] = 1`, `m.w = w`)."""
    names = set()
    for node in _top_level_nodes(tree):
        if isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            while isinstance(node, (ast.Subscript, ast.Attribute)):
                node = node.value
            if isinstance(node, ast.Name):
                names.add(node.id)
    return names


def _top_level_nodes(node):
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield child
            yield from _top_level_nodes(child)


@dataclass(frozen=True)
class LoadPlan:
    """What a sandbox runs of a submission's cells: skipped, the positions of the lesson cells it
    leaves out; cells, those it runs, in order (lesson cells without the imports nothing needs);
    dropped: {name: module} of the imports left out."""
    skipped: list
    cells: list
    dropped: dict


def load_plan(cells, functions):
    """The LoadPlan of a sandbox that calls `functions` (cells: [{"source", "lesson", ...}])."""
    skipped, wanted = _needed(cells, functions)
    running, dropped = [], {}
    for index, cell in enumerate(cells):
        if index in skipped:
            continue
        if cell.get("lesson"):
            source, modules = _without_unused_imports(cell["source"], wanted | cell_names(cell["source"]).uses)
            cell = {**cell, "source": source}
            dropped.update(modules)
        running.append(cell)
    return LoadPlan(skipped, running, dropped)


def _without_unused_imports(source, used):
    """(source with its top-level import statements that bind none of `used` blanked out,
    {name: module} of what they imported). Line numbers stay; a statement sharing a line stays."""
    tree = ast.parse(source)
    lines, modules = source.split("\n"), {}
    shared = {line for statement in tree.body for line in (statement.lineno, statement.end_lineno)
              if sum(other.lineno <= line <= other.end_lineno for other in tree.body) > 1}
    for statement in tree.body:
        if not isinstance(statement, (ast.Import, ast.ImportFrom)) or shared & {statement.lineno, statement.end_lineno}:
            continue
        names = {alias.asname or alias.name.split(".")[0] for alias in statement.names}
        if names & used or "*" in names:
            continue
        modules.update({alias.asname or alias.name.split(".")[0]:
                        alias.name if isinstance(statement, ast.Import) else f"{statement.module}.{alias.name}"
                        for alias in statement.names})
        for number in range(statement.lineno - 1, statement.end_lineno):
            lines[number] = ""
    return "\n".join(lines), modules


def _needed(cells, functions):
    """(positions of the lesson cells that may be left out, every name wanted from another cell)."""
    names = [cell_names(cell["source"]) for cell in cells]
    running = {index for index, cell in enumerate(cells) if not cell.get("lesson") or names[index].opaque}
    # (name, position): the value that name must have when the cell at position runs (len(cells): at the end).
    todo = [(function, len(cells)) for function in functions]
    todo += [(name, index) for index in running for name in names[index].reads]
    seen = set()
    while todo:
        name, before = todo.pop()
        if (name, before) in seen:
            continue
        seen.add((name, before))
        for index in _binders(names, running, name, before):
            if index not in running:
                running.add(index)
                todo += [(read, index) for read in names[index].reads]
            todo += [(read, before) for read in names[index].functions.get(name, ())]
    return sorted(set(range(len(cells))) - running), {name for name, _ in seen}


def _binders(names, running, name, before):
    """The cells that must run for `name` to have its value before position `before`: back from
    there, each cell that binds it, up to one that surely does; of a run of cells that bind it by
    one same import, only one (a running one, else one that calls nothing, else the last)."""
    chosen = []
    for index in reversed(range(before)):
        cell = names[index]
        if name not in cell.binds:
            continue
        module = cell.imports.get(name)
        if module is None:
            chosen.append(index)
            if name in cell.defines:
                return chosen
            continue
        same = [earlier for earlier in reversed(range(index + 1)) if name in names[earlier].binds]
        group = []
        for earlier in same:
            if names[earlier].imports.get(name) != module:
                break
            group.append(earlier)
        best = min(group, key=lambda earlier: (earlier not in running, names[earlier].calls, -earlier))
        return chosen + [best]
    return chosen


def bound_by(cells, positions):
    """Every name that the cells at `positions` bind."""
    return set().union(*(cell_names(cells[index]["source"]).binds for index in positions))


def names_not_defined(texts):
    """The names that NameErrors in `texts` (tracebacks, messages) say are not defined."""
    return {name for text in texts if text for name in _NOT_DEFINED.findall(text)}


def with_skipped(reports, cells, plan):
    """The load's cell reports (of the cells that ran) with one for each skipped cell, in
    notebook order; the first skipped one carries the note that says what was skipped."""
    ran, skipped = iter(reports), plan.skipped
    merged = []
    for index, cell in enumerate(cells):
        if index in skipped:
            merged.append({"label": cell["label"], "error": None, "output": "", "skipped": True, "notes": []})
        else:
            merged.append(next(ran, None) or {"label": cell["label"], "error": None, "notes": [], "output": ""})
    first = skipped[0] if skipped else next(index for index, cell in enumerate(cells) if cell.get("lesson"))
    note = skipped_note([cells[index]["label"] for index in skipped], sorted(set(plan.dropped.values())))
    merged[first] = {**merged[first], "notes": [note, *merged[first]["notes"]]}
    return merged


def skipped_note(labels, modules=()):
    """'3 lesson cells you left unchanged, which nothing graded needs (a.ipynb: cells 2, 4; b.ipynb:
    cell [7])' from labels "<file>, cell <number>", and the modules whose imports were left out."""
    by_file = {}
    for label in labels:
        file, _, number = label.rpartition(", cell ")
        by_file.setdefault(file, []).append(number)
    where = "; ".join(f"{file}: cell{'s' * (len(numbers) > 1)} {', '.join(numbers)}" for file, numbers in by_file.items())
    plural = "s" * (len(labels) > 1)
    imports = f"the lesson cells' imports of {', '.join(modules)}, which nothing graded uses" if modules else ""
    if not labels:
        return imports
    cells = f"{len(labels)} lesson cell{plural} you left unchanged, which nothing graded needs ({where})"
    return f"{cells}; {imports}" if imports else cells
