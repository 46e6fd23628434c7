"""Similarity flags per question: pairs of submissions whose code for one question is more alike
than independent work is, for a TA to look at (`DIR/similarity.json`, SPEC "The class view").
Never a penalty: data for a TA.

Two steps:

1. `question_code` reduces one question of one notebook to its *normalised code*: the question's
   functions and the top-level helpers they reach, without docstrings, comments, annotations,
   layout, cell order or the names the student chose, and without the statements that everyone
   got from the starter notebook. Renaming every variable, moving a helper to another cell and
   reformatting leave it unchanged.
2. `similar_pairs` compares, question by question, every pair of students. A cheap score, the
   Dice overlap of the sets of 5-token sequences of the two codes, is computed for all pairs at
   once (one matrix product). It gives the question's baseline, how alike independent work on
   this question is, and picks the few pairs that stand out from it. Only those get the exact
   score, the share of tokens in common subsequences (`difflib`), which is the similarity
   reported.

The line, per question (`_Line`). A pair is flagged when
- each of its two codes has at least `min_statements` statements that are not starter code
  (students below that take no part in the baseline either), and
- with `MIN_BASELINE_PAIRS` pairs or more, its cheap score stands out from the question's own
  distribution: above median + `BASELINE_SPREADS` robust deviations (1.4826 * MAD, at least
  `MIN_SPREAD`), and above the score that only one pair per student exceeds. Independent
  solutions of one exercise look alike (the same loops over pixels), a short question may have
  only a few ways to write it: so the line moves with each question, and when a kind of code is
  common in a class, having it is no evidence. With fewer pairs there is no distribution, and
  the floor alone decides; and
- its exact similarity reaches a floor: `FLOOR_FEW` (0.9) when fewer than `FEW_STUDENTS`
  students answered the question, `FLOOR_MANY` (0.8) otherwise.
Identical wrong answers (a non-empty fingerprint that both students have for the question)
halve the distance from the median to the cut and lower the floor by `WRONG_ANSWER_MARGIN` for
that pair, and are named in the evidence; code that is not alike is never flagged for them.
An explicit `threshold` replaces the line: flag when the exact similarity reaches it.
"""
import ast
import difflib
import functools
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

KGRAM = 5                   # tokens per fingerprinted sequence: long enough to carry structure
FEW_STUDENTS = 10           # fewer students than this: a baseline of few pairs, so a high floor
FLOOR_FEW = 0.9
FLOOR_MANY = 0.8
MIN_BASELINE_PAIRS = 10     # pairs needed before a median and a MAD mean anything
BASELINE_SPREADS = 5.0      # how many robust deviations above the median stands out
MIN_SPREAD = 0.05           # a robust deviation never below this: a class of near-twins has MAD 0
PREFILTER_SLACK = 0.25      # a fixed threshold: the cheap score runs below the exact one
WRONG_ANSWER_MARGIN = 0.1   # how far shared wrong answers lower the floor for a borderline pair

_HELPER = "h"               # canonical names: h0, h1, ... for helpers; v0, v1, ... for locals
_LOCAL = "v"
_TOKEN = re.compile(r"[A-Za-z_]\w*|\d[\w.]*|'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|\S")
_HELPER_NOTE = re.compile(r"# (\w+) = (.+)$")
_NOT_STATEMENTS = ("def ", "async def ", "class ", "@")
_NOT_STATEMENT_LINES = frozenset({"pass", "else:", "try:", "finally:"})
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class SimilarPair:
    """One flagged pair: two students whose code for one question is more alike than usual."""
    question: str
    students: tuple[str, str]       # sorted
    similarity: float               # 0..1, the exact token similarity of the normalised code
    evidence: str                   # one paragraph for a TA: what matched

    def to_json(self) -> dict:
        """The `similarity.json` entry: {"question", "students": [a, b], "similarity", "evidence"}."""
        return {"question": self.question, "students": list(self.students),
                "similarity": round(self.similarity, 4), "evidence": self.evidence}


# --- 1. the normalised code of one question ----------------------------------------------------

def question_code(sources: list[str], functions: tuple[str, ...], starter: list[str] = ()) -> str:
    """The normalised code of one question in one submission.

    sources: the submission's code cells in notebook order (a cell that does not parse is
    skipped; a later definition of a name replaces an earlier one); functions: the question's
    function names, e.g. ("conv2d_forward",); starter: the code cells everyone got.
    Returns Python source: the question's functions, then every top-level helper function, class
    or assignment they reach through the names they reference, in the order reached. Docstrings,
    comments and annotations are gone; locals and arguments are renamed v0, v1, ... per
    definition in order of first appearance, helpers h0, h1, ... in the order reached; imported
    names become their full dotted path (np.pad -> numpy.pad); attribute names, builtins, the
    question's functions and the starter's functions keep their names; statements found verbatim
    in the starter are removed. Each helper is preceded by a comment `# h0 = original_name`, for
    the evidence. "" when nothing of the student's own is left (the stub untouched)."""
    cells = [cell for cell in map(_cell, sources) if cell is not None]
    definitions = dict(pair for cell in cells for pair in cell.definitions)
    imports = dict(pair for cell in cells for pair in cell.imports)
    starter_statements, starter_names = _starter_index(tuple(starter))
    reached = _reached(definitions, [name for name in functions if name in definitions])
    names_of = {}                   # id(definition) -> the reached names it binds, in order
    for name in reached:
        names_of.setdefault(id(definitions[name]), []).append(name)
    emitted = []                    # (names it binds, definition, copy without starter code), in order
    for name in reached:
        names = names_of[id(definitions[name])]
        copy_ = _without_starter(definitions[name], starter_statements) if names[0] == name else None
        if copy_ is not None:
            emitted.append((names, definitions[name], copy_))
    kept = set(functions) | starter_names
    helpers = {}                    # original helper name -> canonical name
    for name in (name for names, _, _ in emitted for name in names if name not in kept):
        helpers.setdefault(name, f"{_HELPER}{len(helpers)}")
    return _rendered(emitted, helpers, imports)


@dataclass(frozen=True)
class _Cell:
    """One parsed code cell, shared by every question and student (never modified).

    tree: the module, stripped; definitions: (name, top-level def, class or assignment binding
    it), in order; imports: (name an import binds anywhere in the cell, the dotted path it
    stands for: np -> numpy, swv -> numpy.lib.stride_tricks.sliding_window_view)."""
    tree: ast.Module
    definitions: tuple[tuple[str, ast.stmt], ...]
    imports: tuple[tuple[str, str], ...]


@functools.lru_cache(maxsize=1 << 14)
def _cell(source: str) -> "_Cell | None":
    """The cell `source` parsed and indexed, or None when it does not parse. Cached: the starter
    cells recur in every notebook and a notebook's cells in every question."""
    try:
        tree = _stripped(ast.parse(source))
    except (SyntaxError, ValueError, RecursionError):    # ValueError: a null byte
        return None
    definitions = []
    for node in tree.body:
        if isinstance(node, _DEFINITIONS):
            definitions.append((node.name, node))
        elif isinstance(node, ast.Assign):
            definitions += [(name, node) for name in _target_names(node)]
    return _Cell(tree, tuple(definitions), tuple(_import_paths(tree)))


@functools.lru_cache(maxsize=64)
def _starter_index(starter: tuple[str, ...]) -> tuple[frozenset, frozenset]:
    """(the structural hashes of every statement at any depth of the starter cells, the names of
    the starter's top-level functions and classes)."""
    cells = [cell for cell in map(_cell, starter) if cell is not None]
    statements = set()
    for cell in cells:
        _copy_without(cell.tree, frozenset(), statements)
    statements = frozenset(statements)
    names = frozenset(name for cell in cells for name, node in cell.definitions
                      if isinstance(node, _DEFINITIONS))
    return statements, names


def _stripped(tree):
    """`tree` without what does not change what code does, in place: docstrings and other bare
    strings, annotations (`a: int = 1` becomes `a = 1`). A body left empty holds `pass`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            node.annotation = None
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.returns = None
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                kept = [_without_annotation(statement) for statement in block if not _is_bare_string(statement)]
                kept = [statement for statement in kept if statement is not None]
                setattr(node, field, kept or ([ast.Pass()] if field == "body" and node is not tree else []))
    return tree


def _is_bare_string(statement):
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
        and isinstance(statement.value.value, str)


def _without_annotation(statement):
    """An annotated assignment as a plain one (None for a bare annotation); any other statement as is."""
    if not isinstance(statement, ast.AnnAssign):
        return statement
    if statement.value is None or not isinstance(statement.target, ast.Name):
        return None
    return ast.copy_location(ast.Assign(targets=[statement.target], value=statement.value), statement)


def _target_names(assignment):
    """The names an assignment binds: `a, (b, c) = ...` -> [a, b, c]."""
    return [node.id for target in assignment.targets for node in ast.walk(target)
            if isinstance(node, ast.Name)]


def _import_paths(tree):
    """(name an import binds, the dotted path it stands for), for every import in `tree`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:                # import numpy.lib.stride_tricks as st
                    yield alias.asname, alias.name
                else:                           # import numpy.lib binds numpy
                    yield alias.name.split(".")[0], alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name != "*":
                    yield alias.asname or alias.name, f"{node.module}.{alias.name}"


def _in_source_order(node):
    """Every node under `node`, parents first, children in field order (source order, near enough)."""
    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


@dataclass(frozen=True)
class _Scope:
    """The names of one top-level definition (as parsed: cached, never modified).

    locals: the names it binds inside itself, in order of first appearance (arguments, assigned
    names, loop and `with` targets, nested functions, `except ... as` names; not a class's method
    names, which are attributes, not names declared global, not the names a top-level assignment
    binds); free: the names it reads from the module, in order of first appearance."""
    locals: tuple[str, ...]
    free: tuple[str, ...]


@functools.lru_cache(maxsize=1 << 14)
def _scope(definition) -> _Scope:
    """The `_Scope` of a top-level definition as parsed."""
    bound = _bound_names(definition)
    local, free = {}, {}
    for node in _in_source_order(definition):
        name = (node.id if isinstance(node, ast.Name) else node.arg if isinstance(node, ast.arg)
                else node.name if isinstance(node, (*_DEFINITIONS, ast.ExceptHandler)) else None)
        if name in bound:
            local.setdefault(name)
        elif isinstance(node, ast.Name):
            free.setdefault(name)
    return _Scope(tuple(local), tuple(free))


def _bound_names(definition):
    """The set of names that `_Scope.locals` orders."""
    methods = {id(node) for node in definition.body if isinstance(node, _DEFINITIONS)} \
        if isinstance(definition, ast.ClassDef) else set()
    bound, declared_global = set(), set()
    if isinstance(definition, ast.Assign):
        declared_global = set(_target_names(definition))
    for node in ast.walk(definition):
        if isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, _DEFINITIONS) and node is not definition and id(node) not in methods:
            bound.add(node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared_global.update(node.names)
    return bound - declared_global


def _reached(definitions, roots):
    """The top-level names reached from `roots` through the names they read, breadth first."""
    reached = list(dict.fromkeys(roots))
    for name in reached:                    # grows while it is walked
        for free in _scope(definitions[name]).free:
            if free in definitions and free not in reached:
                reached.append(free)
    return reached


def _without_starter(node, starter_statements):
    """A copy of `node` without the statements found verbatim in the starter (starter_statements:
    their structural hashes), or None when nothing of the student's own is left: the stub
    untouched, or only its docstring changed."""
    copy_, digest, own = _copy_without(node, starter_statements)
    return copy_ if own and digest not in starter_statements else None


def _copy_without(node, starter_statements, seen=None):
    """(a copy of `node` without the statements whose structural hash is in starter_statements,
    the structural hash of `node`, how many statements the copy keeps that are not `pass` or a
    definition), in one pass; seen: a set that collects the hashes of all statements inside.
    A body left empty holds `pass`. The structural hash says what a node is, not where it is,
    like `ast.dump` (a dump of every statement would cost the tree's size times its depth).
    The cells' trees are cached and stay as parsed."""
    if not isinstance(node, ast.AST):
        return node, hash((type(node), node)), 0     # 1 and 1.0 and True differ
    copy_, parts, own = type(node)(), [type(node).__name__], 0
    for field, value in ast.iter_fields(node):
        if isinstance(value, list):
            kept, hashes = [], []
            for item in value:
                item_copy, item_hash, item_own = _copy_without(item, starter_statements, seen)
                hashes.append(item_hash)
                if not (isinstance(item, ast.stmt) and item_hash in starter_statements):
                    kept.append(item_copy)
                    own += item_own
            if value and not kept and isinstance(value[0], ast.stmt):
                kept = [ast.Pass()]
            setattr(copy_, field, kept)
            parts.append(tuple(hashes))
        else:
            value_copy, value_hash, value_own = _copy_without(value, starter_statements, seen)
            setattr(copy_, field, value_copy)
            parts.append(value_hash)
            own += value_own
    own += isinstance(node, ast.stmt) and not isinstance(node, (ast.Pass, *_DEFINITIONS))
    digest = hash(tuple(parts))
    if seen is not None and isinstance(node, ast.stmt):
        seen.add(digest)
    return ast.copy_location(copy_, node), digest, own     # ast.unparse reads line numbers


def _rendered(emitted, helpers, imports):
    """The normalised source of the emitted definitions, each helper after its `# hN = name`.

    emitted: (the names it binds, the definition as parsed, its copy without starter code);
    helpers: {top-level name: hN}; imports: {name: dotted path}. Locals are numbered on the
    definition as parsed (the starter statements taken out rarely bind a name of their own)."""
    locals_of = {id(copy_): {name: f"{_LOCAL}{number}" for number, name in enumerate(_scope(original).locals)}
                 for _, original, copy_ in emitted}
    parameters = {copy_.name: locals_of[id(copy_)] for _, _, copy_ in emitted
                  if isinstance(copy_, _DEFINITIONS)}
    blocks = []
    for names, _, copy_ in emitted:
        notes = [f"# {helpers[name]} = {name}" for name in names if name in helpers]
        _rename(copy_, locals_of[id(copy_)], helpers, imports, parameters)
        blocks.append("\n".join([*notes, ast.unparse(copy_)]))
    return "\n\n".join(blocks)


def _rename(definition, locals_, helpers, imports, parameters):
    """Gives every name inside one top-level definition (a copy) its canonical name, in place.

    locals_: its {name: vN}; helpers: {top-level name: hN}; imports: {name: dotted path};
    parameters: {top-level function name: its locals}, so that the keyword arguments of a call
    to a helper are renamed as the helper's parameters are. Attribute names stay (np.pad,
    x.shape, a method), as do builtins and every other name bound nowhere in the question's code."""
    def canonical(name):
        return locals_.get(name) or helpers.get(name) or imports.get(name) or name

    for node in ast.walk(definition):       # a parent comes before its children: a call before its callee
        if isinstance(node, ast.Name):
            node.id = canonical(node.id)
        elif isinstance(node, ast.arg):
            node.arg = locals_.get(node.arg, node.arg)
        elif isinstance(node, _DEFINITIONS):
            node.name = (helpers if node is definition else locals_).get(node.name, node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            node.name = locals_.get(node.name, node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            node.names = [helpers.get(name, name) for name in node.names]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:        # the names it binds read as dotted paths already
                alias.asname = None
        elif isinstance(node, ast.Call):
            callee = node.func.id if isinstance(node.func, ast.Name) else None
            own = locals_ if callee in locals_ else parameters.get(callee, {})
            for keyword in node.keywords:
                keyword.arg = keyword.arg and own.get(keyword.arg, keyword.arg)


# --- 2. the pairs of one class ----------------------------------------------------------------

@dataclass(frozen=True)
class _Code:
    """One student's normalised code for one question, ready to compare."""
    lines: tuple[tuple[int, ...], ...]   # the token ids (the question's vocabulary) of each code line
    statements: list[str]                # the lines that are statements, stripped
    helpers: dict[str, tuple[str, str]]  # canonical helper name -> (original name, its code)

    @property
    def tokens(self) -> list[int]:
        return [token for line in self.lines for token in line]


def similar_pairs(code: dict[str, dict[str, str]],
                  wrong_answers: dict[str, dict[str, list[str]]] | None = None,
                  *, threshold: float | None = None, min_statements: int = 4) -> list[SimilarPair]:
    """The flagged pairs of every question, the most alike first.

    code: {student: {question: normalised code from `question_code`}}; wrong_answers: {student:
    {question: [fingerprints of wrong answers]}}, optional evidence; threshold: a fixed exact
    similarity to flag from, instead of the data-driven line (module docstring); min_statements:
    the statements of its own that each code of a pair needs.
    """
    questions = sorted({question for per_student in code.values() for question in per_student})
    pairs = []
    for question in questions:
        codes = {student: per_student[question] for student, per_student in code.items()
                 if per_student.get(question)}
        fingerprints = {student: set(filter(None, (wrong_answers or {}).get(student, {}).get(question, ())))
                        for student in codes}
        pairs += _question_pairs(question, codes, fingerprints, threshold, min_statements)
    return sorted(pairs, key=lambda pair: (-pair.similarity, pair.question, pair.students))


def _question_pairs(question, codes, fingerprints, threshold, min_statements):
    """The flagged pairs of one question. codes: {student: normalised code}; fingerprints:
    {student: set of wrong-answer fingerprints}."""
    vocabulary = {}
    parsed = {student: _code(text, vocabulary) for student, text in codes.items()}
    students = sorted(student for student, one in parsed.items() if len(one.statements) >= min_statements)
    if len(students) < 2:
        return []
    cheap = _dice_matrix([_kgrams(parsed[student].tokens) for student in students])
    line = _Line.of(cheap[np.triu_indices(len(students), 1)], len(students), threshold)
    flagged = []
    for first, second in zip(*np.nonzero(np.triu(cheap >= line.prefilter, 1))):   # the few candidates
        a, b = students[first], students[second]
        shared_wrong = len(fingerprints[a] & fingerprints[b])
        if not line.stands_out(cheap[first, second], shared_wrong):
            continue
        similarity = _token_similarity(parsed[a].lines, parsed[b].lines)
        if similarity >= line.floor_for(shared_wrong):
            evidence = _evidence(question, (a, parsed[a]), (b, parsed[b]), similarity, cheap[first, second],
                                 shared_wrong, line)
            flagged.append(SimilarPair(question, (a, b), similarity, evidence))
    return flagged


def _code(text, vocabulary):
    """A normalised code as a `_Code`; vocabulary: {token: id}, shared by one question's codes."""
    lines, helpers, notes, current = [], {}, {}, None
    for line in text.splitlines():
        note = _HELPER_NOTE.match(line)
        if note:                            # `# h0 = _pad_input`: says, does not count
            notes[note.group(1)] = note.group(2)
            continue
        if line and not line[0].isspace():  # a top-level block starts: whose is it?
            head = re.match(r"(?:async def |def |class )?(\w+)", line)
            current = head.group(1) if head and head.group(1) in notes else None
            if current:
                helpers[current] = (notes[current], "")
        if current:
            helpers[current] = (helpers[current][0], helpers[current][1] + line + "\n")
        lines.append(line)
    tokens = tuple(tuple(vocabulary.setdefault(token, len(vocabulary)) for token in _TOKEN.findall(line))
                   for line in lines if line.strip())
    statements = [line.strip() for line in lines if _is_statement(line.strip())]
    return _Code(tokens, statements, helpers)


def _is_statement(line):
    return bool(line) and not line.startswith(_NOT_STATEMENTS) and line not in _NOT_STATEMENT_LINES


def _kgrams(tokens):
    """The distinct hashes of the KGRAM-token sequences of a token id list, as an int64 array."""
    ids = np.asarray(tokens, dtype=np.uint64) + np.uint64(1)
    if len(ids) < KGRAM:
        ids = np.concatenate([ids, np.zeros(KGRAM - len(ids), np.uint64)])
    windows = np.lib.stride_tricks.sliding_window_view(ids, KGRAM)
    powers = np.uint64(0x9E3779B97F4A7C15) ** np.arange(1, KGRAM + 1, dtype=np.uint64)  # wraps mod 2**64
    return np.unique((windows * powers).sum(axis=1).view(np.int64))


def _dice_matrix(kgram_sets):
    """(n, n) Dice overlap 2|A & B| / (|A| + |B|) of n students' k-gram sets, every pair at once:
    one 0/1 matrix of students x sequences that two or more students share, times its transpose."""
    sizes = np.array([len(one) for one in kgram_sets], dtype=np.float64)
    every = np.concatenate(kgram_sets)
    owner = np.repeat(np.arange(len(kgram_sets)), [len(one) for one in kgram_sets])
    _, column, counts = np.unique(every, return_inverse=True, return_counts=True)
    shared = counts[column] > 1             # a sequence only one student has adds to no pair
    _, column = np.unique(column[shared], return_inverse=True)
    matrix = np.zeros((len(kgram_sets), column.max() + 1 if column.size else 0), dtype=np.float32)
    matrix[owner[shared], column] = 1.0
    common = (matrix @ matrix.T).astype(np.float64)
    return 2.0 * common / np.maximum(sizes[:, None] + sizes[None, :], 1.0)


def _token_similarity(lines_a, lines_b):
    """The exact score, 0..1: twice the tokens that the two codes have in common subsequences,
    over all their tokens. lines_a, lines_b: the token ids of each line. Lines are matched
    first, then the tokens of the lines that differ: a token-by-token match of whole codes is
    slow where tokens such as `(` and `,` recur hundreds of times."""
    matched = 0
    by_line = difflib.SequenceMatcher(None, lines_a, lines_b, autojunk=False)
    for tag, a_start, a_end, b_start, b_end in by_line.get_opcodes():
        if tag == "equal":
            matched += sum(map(len, lines_a[a_start:a_end]))
        elif tag == "replace":
            changed_a = [token for line in lines_a[a_start:a_end] for token in line]
            changed_b = [token for line in lines_b[b_start:b_end] for token in line]
            blocks = difflib.SequenceMatcher(None, changed_a, changed_b, autojunk=False).get_matching_blocks()
            matched += sum(block.size for block in blocks)
    total = sum(map(len, lines_a)) + sum(map(len, lines_b))
    return 2.0 * matched / total if total else 0.0


@dataclass(frozen=True)
class _Line:
    """Where one question's flags start (module docstring).

    median: the cheap score of a typical pair; cut: the cheap score above which a pair stands out
    from the class, None without a baseline (too few pairs, or a fixed threshold); floor: the
    exact similarity a flag needs; margin: how much shared wrong answers lower the floor (0 under
    a fixed threshold); prefilter: the cheap score below which a pair gets no exact score;
    pairs: how many pairs the baseline saw."""
    median: float
    cut: float | None
    floor: float
    margin: float
    prefilter: float
    pairs: int

    @classmethod
    def of(cls, scores, students, threshold):
        """scores: the cheap scores of all pairs, a 1-D array; students: how many; threshold:
        the caller's fixed exact similarity, or None for the data-driven line."""
        median, pairs = float(np.median(scores)), len(scores)
        if threshold is not None:
            return cls(median, None, threshold, 0.0, threshold - PREFILTER_SLACK, pairs)
        floor = FLOOR_FEW if students < FEW_STUDENTS else FLOOR_MANY
        if pairs < MIN_BASELINE_PAIRS:      # a handful of pairs: score them all exactly
            return cls(median, None, floor, WRONG_ANSWER_MARGIN, 0.0, pairs)
        spread = max(1.4826 * float(np.median(np.abs(scores - median))), MIN_SPREAD)
        # never more pairs above the line than students: when that many pairs are this alike
        # (a short question has few ways to write it), being alike is no evidence
        rare = float(np.quantile(scores, 1.0 - min(1.0, students / pairs)))
        cut = max(median + BASELINE_SPREADS * spread, rare)
        return cls(median, cut, floor, WRONG_ANSWER_MARGIN, (median + cut) / 2, pairs)

    def stands_out(self, cheap, shared_wrong):
        """Whether a pair's cheap score earns it an exact score: above the cut, or halfway
        there with shared wrong answers."""
        if self.cut is None:
            return cheap >= self.prefilter
        return cheap > (self.cut if not shared_wrong else self.prefilter)

    def floor_for(self, shared_wrong):
        """The exact similarity a pair needs: shared wrong answers lower it by the margin."""
        return self.floor - (self.margin if shared_wrong else 0.0)


def _evidence(question, first, second, similarity, cheap, shared_wrong, line):
    """One paragraph for a TA: what of `question` matched between two students, against what
    baseline. first, second: (student, `_Code`); similarity, cheap: the pair's exact and cheap
    scores; shared_wrong: how many wrong-answer fingerprints they share; line: the `_Line`."""
    (name_a, a), (name_b, b) = first, second
    common = sum((Counter(a.statements) & Counter(b.statements)).values())
    statements = max(len(a.statements), len(b.statements))
    facts = [f"{question}: the normalised code (names, comments, layout and cell order ignored) is "
             f"{similarity:.1%} alike, identical in {common} of {statements} statements"]
    for helper in a.helpers:
        if helper in b.helpers and a.helpers[helper][1] == b.helpers[helper][1]:
            (helper_a, _), (helper_b, _) = a.helpers[helper], b.helpers[helper]
            facts.append(f"the same helper {helper_a}" if helper_a == helper_b else
                         f"the same helper under two names ({name_a}: {helper_a}, {name_b}: {helper_b})")
    if shared_wrong:
        inputs = "input" if shared_wrong == 1 else "inputs"
        facts.append(f"identical wrong answers on {shared_wrong} different seeded {inputs}")
    return "; ".join(facts) + ". " + _baseline_note(cheap, line, shared_wrong)


def _baseline_note(cheap, line, shared_wrong):
    """The sentence that puts a pair's cheap score next to its question's baseline."""
    note = (f"Their {KGRAM}-token sequences overlap {cheap:.0%}, where a typical pair of the "
            f"{line.pairs} pairs for this question overlaps {line.median:.0%}")
    floor = f"{line.floor:.0%} alike" + (f" ({line.floor_for(shared_wrong):.0%} with identical wrong answers)"
                                         if shared_wrong and line.margin else "")
    if line.cut is not None:
        return note + f"; pairs above {line.cut:.0%} stand out, and are flagged from {floor}."
    if line.margin == 0.0:
        return note + f"; flagged from the fixed threshold {line.floor:.0%}."
    return note + f"; too few submissions for a class baseline, so only pairs {floor} are flagged."
