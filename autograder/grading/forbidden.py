"""The static forbidden-API check: which from-scratch questions' source uses a forbidden API.

Defence in depth. The sandbox's `ForbiddenMonitor` sees the calls a question really makes, so it
catches what the source hides (names built at run time, `eval`, `vars(np)["convolve"]`), but only
on the inputs the hidden tests happen to try. This check reads the source, so it names what the
student wrote (`ss.correlate2d`, a helper calling `torch.tensor`) whichever branch the tests take.

The cells run in order like Jupyter's: each top-level definition (`def`, `class`, assignment,
import) replaces the name's earlier one. A question uses an API when its function, or a top-level
name it reaches through the names it references, refers to that API. Module-level code that binds
nothing (a cell printing `np.convolve(a, b)` to compare) counts against no question.
"""
import ast
import functools

DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# Nested calls followed when resolving a name: a 700-link method chain or getattr nest must not
# exhaust the grader's stack. Deeper nests name nothing here; the sandbox, where the forbidden
# libraries are absent, still stops them.
MAX_CALL_DEPTH = 32


def forbidden_uses(sources, functions, forbidden):
    """{question id: sorted forbidden APIs its function uses, directly or through helpers}.

    sources: the code cells as plain Python (a cell with a SyntaxError is skipped); functions:
    {question id: the names of the student's functions for it}; forbidden: dotted API names, a module covering
    everything inside it. Questions that use none are left out.
    """
    paths, definitions = {}, {}
    for statement in top_level(parsed(sources)):
        bind(statement, paths, definitions)
    graph = {}    # name -> (forbidden APIs, global names) of the names reached, found when first reached

    def edges(name):
        if name not in graph:
            graph[name] = (matching(paths[name], forbidden), ()) if name in paths else \
                references(definitions[name], paths, forbidden)
        return graph[name]

    known = paths.keys() | definitions.keys()
    uses = {question: sorted(set().union(*(edges(name)[0] for function in names
                                           for name in reachable(function, edges, known))))
            for question, names in functions.items()}
    return {question: apis for question, apis in uses.items() if apis}


def parsed(sources):
    """The cells' syntax trees, in order, leaving out cells that do not parse."""
    return [tree for tree in map(_parsed, sources) if tree is not None]


@functools.lru_cache(maxsize=4096)
def _parsed(source):
    """One cell's syntax tree (never modified), or None. Cached: the lesson cells are the same in
    every notebook of a class."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):  # ValueError: a null byte
        return None


def top_level(trees):
    """The statements that run at module level, in order."""
    for tree in trees:
        yield from flattened(tree.body)


def flattened(statements):
    """The statements and, inside those that are not definitions, the statements of their
    `if`/`try`/`except`/`with`/loop blocks (`try: from scipy import signal ...` binds too)."""
    for statement in statements:
        yield statement
        if not isinstance(statement, DEFINITIONS):
            for field in ("body", "orelse", "finalbody", "handlers"):
                yield from flattened(getattr(statement, field, []))


def bind(statement, paths, definitions):
    """Record what a module-level statement binds: aliases of dotted names in `paths`, the nodes
    of definitions and assigned values in `definitions`. A rebinding replaces the earlier one."""
    if isinstance(statement, DEFINITIONS):
        rebind(statement.name, definitions, paths, statement)
    elif isinstance(statement, (ast.Import, ast.ImportFrom)):
        for name, path in imported(statement):
            rebind(name, paths, definitions, path)
    elif isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        path = resolve(statement.value, paths)
        for target in targets:
            if isinstance(target, ast.Name) and path:
                rebind(target.id, paths, definitions, path)
            else:
                for name in stored_names(target):
                    rebind(name, definitions, paths, statement.value)


def rebind(name, table, other, value):
    table[name] = value
    other.pop(name, None)


def imported(statement):
    """(name, dotted path) for each name an import statement binds; relative and * imports bind
    nothing that can be resolved."""
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            if alias.asname:
                yield alias.asname, alias.name
            else:
                top = alias.name.split(".")[0]
                yield top, top
    elif statement.module and not statement.level:
        for alias in statement.names:
            if alias.name != "*":
                yield alias.asname or alias.name, f"{statement.module}.{alias.name}"


def stored_names(target):
    """The names an assignment target binds: `a, (b, *c) = ...` binds a, b and c; `t[0] = ...` none."""
    return [node.id for node in ast.walk(target)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)]


def references(node, paths, forbidden):
    """(forbidden APIs, global names) that a definition's code refers to.

    Names the definition binds itself (parameters, assignments, imports, loop variables, anywhere
    inside it, nested functions too) are its own, not the globals of the same name, unless
    declared `global`; the names it imports resolve to what they import.
    """
    own = local_names(node)
    scope = {name: path for name, path in paths.items() if name not in own}
    scope.update(pair for child in ast.walk(node) if isinstance(child, (ast.Import, ast.ImportFrom))
                 for pair in imported(child))
    children = list(ast.walk(node))
    # A chain's prefix (`np` in `np.convolve`) matches only if the whole chain does: resolve whole
    # chains only, which keeps a long chain linear.
    prefixes = {id(child.value) for child in children if isinstance(child, ast.Attribute)}
    apis, names = set(), set()
    for child in children:
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load) and child.id not in own:
            names.add(child.id)
        if id(child) not in prefixes:
            apis |= matching(resolve(child, scope), forbidden)
    return apis, names


def local_names(node):
    """The names a definition binds inside itself, less those it declares `global`."""
    own, declared = set(), set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and not isinstance(child.ctx, ast.Load):
            own.add(child.id)
        elif isinstance(child, ast.arg):
            own.add(child.arg)
        elif isinstance(child, DEFINITIONS) and child is not node:
            own.add(child.name)
        elif isinstance(child, (ast.Import, ast.ImportFrom)):
            own.update(name for name, _ in imported(child))
        elif isinstance(child, ast.ExceptHandler) and child.name:
            own.add(child.name)
        elif isinstance(child, ast.Global):
            declared.update(child.names)
    return own - declared


def resolve(node, scope, depth=MAX_CALL_DEPTH):
    """The dotted name an expression stands for (`ss.correlate2d` -> "scipy.signal.correlate2d"),
    or None. scope: {name: dotted path} of the aliases in sight; depth: how many nested calls
    (`getattr(getattr(...))`, a method chain) are still followed."""
    attributes = []
    while isinstance(node, ast.Attribute):
        attributes.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        base = scope.get(node.id)
    elif isinstance(node, ast.Call) and depth > 0:
        base = call_path(node, scope, depth - 1)
    else:
        return None
    return base and ".".join([base, *reversed(attributes)])


def call_path(call, scope, depth):
    """The dotted name that `getattr(x, "name")`, `__import__("m")` or
    `importlib.import_module("m")` evaluates to, with string literals; None for other calls."""
    function = resolve(call.func, scope, depth) or (call.func.id if isinstance(call.func, ast.Name) else None)
    literals = [arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
                for arg in call.args]
    if function == "getattr" and len(literals) >= 2 and literals[1]:
        base = resolve(call.args[0], scope, depth)
        return base and f"{base}.{literals[1]}"
    if function == "importlib.import_module" and literals and literals[0]:
        return literals[0]
    if function == "__import__" and literals and literals[0]:
        # Without a fromlist, __import__("a.b") returns the top package `a`.
        fromlist = len(call.args) > 3 or any(keyword.arg == "fromlist" for keyword in call.keywords)
        return literals[0] if fromlist else literals[0].split(".")[0]
    return None


def matching(path, forbidden):
    """The forbidden entries that a dotted name is, or is inside."""
    if not path:
        return set()
    return {api for api in forbidden if path == api or path.startswith(api + ".")}


def reachable(start, edges, known):
    """The top-level names reachable from `start` through the names each one references.
    edges(name): (its APIs, the names it references); known: the names bound at top level."""
    seen, pending = set(), [start]
    while pending:
        name = pending.pop()
        if name in known and name not in seen:
            seen.add(name)
            pending.extend(edges(name)[1])
    return seen
