"""The pages people read (issues 9 and 13): a student's feedback page teaches (what to fix first,
each explanation once, a picture of the smallest wrong answer, printed output cut short), and
the TA's class report shows item analysis, the misconception map, who to help first, similarity
flags (`similarity.json`) and the runtime, built from a gradebook alone."""
import json
import random
import re
import textwrap
import time
from dataclasses import replace

import numpy as np
import pytest

from autograder.diagnoses import Diagnosis, explain
from autograder.expect import PICTURE_SIDE, picture_arrays
from autograder.grading.hidden import TestOutcome as Outcome
from autograder.records import classview
from autograder.records.evidence import Evidence, picture_png, smallest_failing, starter_cells, write_pictures
from autograder.records.gradebook import Gradebook
from autograder.records.reports import build_reports
from autograder.records.results import Results
from autograder.records.results import TestResult as Result
from autograder.records.similarity import question_code

QUESTIONS = {"conv2d_forward": ["test_basic", "test_stride", "test_padding"],
             "pool2d": ["test_max", "test_avg"]}


def a_test(question, test, score, max_score=2.0, *, diagnoses=(), output=""):
    return Result(name=f"{question}: {test.removeprefix('test_').replace('_', ' ')}", question=question,
                      score=score, max_score=max_score, status="passed" if score == max_score else "failed",
                      output=output, diagnoses=list(diagnoses))


def results(student, earned, *, diagnoses=None, flags=(), error=None, output="", seconds=1.0, sha=None):
    """Results of a student who earned `earned` = {test: points of 2} (missing tests: 0)."""
    diagnoses = diagnoses or {}
    tests = []
    for question, names in QUESTIONS.items():
        for name in names:
            found = list(diagnoses.get(name, ()))
            message = "Called f(...).\nThe result is wrong.\n" + "\n".join(explain(d) for d in found)
            score = earned.get(name, 0.0)
            tests.append(a_test(question, name, score, diagnoses=found, output="" if score == 2 else message))
    return Results(student=student, submission_sha256=sha or f"sha-{student}", tests=tests, output=output,
                   error=error, flags=list(flags), execution_time=seconds, sandbox="bubblewrap")


ALL = {name: 2.0 for names in QUESTIONS.values() for name in names}


def record(out, entries):
    """Write a gradebook at out/gradebook.sqlite: entries [(Results, Evidence)], in grading order."""
    with Gradebook(out / "gradebook.sqlite") as gradebook:
        for one, evidence in entries:
            gradebook.record_evidence(gradebook.record(one, one.student, "key"), evidence)


def flipped(*names):
    return {name: [Diagnosis.FLIPPED_KERNEL] for name in names}


# --- the feedback page ----------------------------------------------------------------------------

def test_feedback_page_names_what_to_fix_first_explains_once_and_shows_the_picture(tmp_path):
    printed = "\n".join(f"debug line {n}" for n in range(200))
    one = results("ada", {**ALL, "test_stride": 0, "test_padding": 0.5, "test_avg": 1.0},
                  diagnoses=flipped("test_stride", "test_padding"), output=f"Cell 3 raised:\n{printed}")
    expected = np.arange(12.0).reshape(3, 4)
    got = expected.copy()
    got[0] = 0.0                                          # a wrong top row
    write_pictures(tmp_path / "ada", {"conv2d_forward": picture_png(expected, got, title="conv2d_forward: stride")})
    record(tmp_path, [(one, Evidence())])
    build_reports(tmp_path)

    page = (tmp_path / "ada" / "feedback.html").read_text()
    fix_first = page[page.index("Fix these first"):page.index("</ol>")]
    # the question that lost most comes first, with its diagnosis in one sentence
    assert fix_first.index("conv2d_forward") < fix_first.index("pool2d")
    sentence = re.split(r"(?<=[.!?])\s", explain(Diagnosis.FLIPPED_KERNEL))[0]
    assert sentence.replace("'", "&#39;") in fix_first
    # the explanation appears once on the page although two tests carry it
    body = page[page.index('id="conv2d_forward"'):]
    assert body.count(explain(Diagnosis.FLIPPED_KERNEL).replace("'", "&#39;")) == 1
    assert page.count("data:image/png;base64,") == 1      # the picture, inline, for conv2d_forward only
    assert "more characters not shown" in page and "debug line 199" not in page
    assert "debug line 0" in page


def test_a_regrade_without_wrong_arrays_leaves_no_old_picture(tmp_path):
    png = picture_png(np.zeros((2, 2)), np.ones((2, 2)), title="t")
    write_pictures(tmp_path, {"pool2d": png})
    write_pictures(tmp_path, {})
    assert list((tmp_path / "pictures").glob("*.png")) == []


def test_late_penalty_and_error_are_shown(tmp_path):
    from autograder.records.results import Late

    late = Late(submitted_at="2026-03-03T10:00:00+00:00", due="2026-03-01T23:59:00+00:00", days_late=2,
                grace_days_used=0, penalty_fraction=0.2, source="csv")
    one = results("ben", ALL)
    record(tmp_path, [(replace(one, late=late), Evidence()),
                      (results("cy", {}, error={"kind": "not-a-notebook", "message": "cy.ipynb is not JSON"}),
                       Evidence())])
    build_reports(tmp_path)
    ben = (tmp_path / "ben" / "feedback.html").read_text()
    assert "late penalty of 2" in ben and "2 day(s) after" in ben
    assert "could not be graded: cy.ipynb is not JSON" in (tmp_path / "cy" / "feedback.html").read_text()


# --- the pictures' arrays -------------------------------------------------------------------------

def test_picture_arrays_take_the_most_wrong_slice_of_the_first_wrong_element():
    expected = np.random.default_rng(0).normal(size=(2, 3, 5, 6))
    got = expected.copy()
    got[1, 2, -1, :] += 1.0                               # the bottom row of one channel is off
    want, drawn = picture_arrays(got, expected)
    assert want.shape == drawn.shape == (5, 6)
    np.testing.assert_array_equal(np.nonzero(np.abs(drawn - want).max(axis=1))[0], [4])
    # a tuple: the first element that is wrong (dw), not the right one (dx)
    want, drawn = picture_arrays((expected, got, None), (expected, expected, None))
    assert np.abs(drawn - want).max() == pytest.approx(1.0)
    big = np.zeros((100, 100))
    assert picture_arrays(big + 1, big)[0].shape == (PICTURE_SIDE, PICTURE_SIDE)
    assert picture_arrays(np.zeros((2, 2)), np.zeros((3, 3))) is None   # a wrong shape: words only
    assert picture_arrays(expected, expected) is None


def test_the_picture_is_of_the_smallest_failing_case():
    small, large = np.zeros((2, 3)), np.zeros((6, 6))
    outcomes = [Outcome("q", "test_large", "q: large", False, 0.0, picture=(large, large + 1)),
                Outcome("q", "test_small", "q: small", False, 0.0, picture=(small, small + 1)),
                Outcome("q", "test_right", "q: right", True, 1.0),
                Outcome("p", "test_other", "p: other", False, 0.0, picture=(large, large + 1))]
    chosen = smallest_failing(outcomes)
    assert chosen["q"].test == "test_small" and chosen["p"].test == "test_other"


# --- the class report -----------------------------------------------------------------------------

def small_class():
    """Six students: two strong, a flipped-kernel pair, a forbidden API, a crash, an unreadable one."""
    return [
        results("ada", ALL),
        results("ben", {**ALL, "test_avg": 0}),
        results("cy", {"test_basic": 2, "test_max": 2}, diagnoses=flipped("test_stride", "test_padding")),
        results("dee", {"test_basic": 2, "test_max": 2, "test_avg": 2}, diagnoses=flipped("test_stride")),
        results("eve", {"test_max": 2}, diagnoses={"test_basic": [Diagnosis.FORBIDDEN_API]},
                flags=["forbidden-api:conv2d_forward", "crash:pool2d"]),
        results("fox", {}, error={"kind": "not-a-notebook", "message": "fox.ipynb is not JSON"}, flags=["error:not-a-notebook"]),
    ]


def test_item_analysis_marks_tests_nobody_or_everybody_passes_and_correlates_with_the_rest():
    entries = [(one.student, f"{one.student}/feedback.html", one) for one in small_class()]
    items = {item["test"].split(": ")[1]: item for item in classview.item_analysis(entries)}
    assert items["max"]["passing"] == 1.0 and "everybody passes" in items["max"]["note"]
    assert items["max"]["discrimination"] is None
    assert items["stride"]["passing"] == pytest.approx(2 / 5)              # fox (ungraded) left out
    # passing "stride" against the rest of the score, by hand
    passing = np.array([1, 1, 0, 0, 0.0])
    rest = np.array([8, 6, 4, 6, 2.0])
    assert items["stride"]["discrimination"] == pytest.approx(np.corrcoef(passing, rest)[0, 1])


def test_class_report_ranks_misconceptions_names_who_to_help_and_writes_an_empty_similarity_list(tmp_path):
    record(tmp_path, [(one, Evidence(seconds={"conv2d_forward": 2.0, "pool2d": 0.5})) for one in small_class()])
    build_reports(tmp_path)
    page = (tmp_path / "index.html").read_text()
    ranked = page[page.index('id="map"'):page.index('class="map-wrap"')]
    flipped_row = ranked[ranked.index(">flipped-kernel<"):]
    flipped_row = flipped_row[:flipped_row.index("</tr>")]
    assert '<a href="cy/feedback.html">cy</a>' in flipped_row and '<a href="dee/feedback.html">dee</a>' in flipped_row
    assert ranked.index(">flipped-kernel<") < ranked.index(">forbidden-api<")   # 2 students before 1
    helping = page[page.index('id="help"'):page.index('id="questions"')]
    assert "not graded: fox.ipynb is not JSON" in helping
    assert "used an API that does the work of conv2d_forward" in helping
    assert "the process running pool2d died" in helping
    assert ">ada<" not in helping
    assert json.loads((tmp_path / "similarity.json").read_text()) == []
    runtime = page[page.index('id="runtime"'):page.index('id="students"')]
    assert "80%" in runtime and "20%" in runtime                            # 2 s of every 2.5 s


def test_a_score_drop_over_resubmissions_stands_out(tmp_path):
    record(tmp_path, [(results("ada", ALL, sha="first"), Evidence()), (results("ben", ALL), Evidence()),
                      (results("ada", {**ALL, "test_basic": 0, "test_stride": 0}, sha="second"), Evidence())])
    build_reports(tmp_path)
    page = (tmp_path / "index.html").read_text()
    assert "the latest resubmission dropped from 10 to 6 points" in page


# --- similarity flags -----------------------------------------------------------------------------

INDEPENDENT = {
    "loops": '''
        import numpy as np

        def conv2d_forward(x, w, b=None, stride=1, padding=0):
            x = np.pad(np.asarray(x, float), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
            n, c, h, wd = x.shape
            f, _, kh, kw = w.shape
            oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
            out = np.zeros((n, f, oh, ow))
            for i in range(n):
                for k in range(f):
                    for r in range(oh):
                        for s in range(ow):
                            window = x[i, :, r * stride:r * stride + kh, s * stride:s * stride + kw]
                            out[i, k, r, s] = np.sum(window * w[k])
            if b is not None:
                out += np.asarray(b)[None, :, None, None]
            return out
        ''',
    "einsum": '''
        import numpy as np
        from numpy.lib.stride_tricks import sliding_window_view

        def conv2d_forward(x, w, b=None, stride=1, padding=0):
            p = padding
            padded = np.pad(x, [(0, 0), (0, 0), (p, p), (p, p)]).astype(np.float64)
            kernel_h, kernel_w = w.shape[2:]
            windows = sliding_window_view(padded, (kernel_h, kernel_w), axis=(2, 3))[:, :, ::stride, ::stride]
            result = np.einsum("nchwij,fcij->nfhw", windows, w)
            return result if b is None else result + np.reshape(b, (1, -1, 1, 1))
        ''',
    "im2col": '''
        import numpy as np

        def im2col(x, kh, kw, stride):
            N, C, H, W = x.shape
            OH = (H - kh) // stride + 1
            OW = (W - kw) // stride + 1
            cols = np.empty((N, C * kh * kw, OH * OW))
            idx = 0
            for a in range(OH):
                for c in range(OW):
                    patch = x[:, :, a * stride:a * stride + kh, c * stride:c * stride + kw]
                    cols[:, :, idx] = patch.reshape(N, -1)
                    idx += 1
            return cols, OH, OW

        def conv2d_forward(x, w, b=None, stride=1, padding=0):
            x = np.asarray(x, dtype=float)
            if padding:
                x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
            F = w.shape[0]
            cols, OH, OW = im2col(x, w.shape[2], w.shape[3], stride)
            out = np.einsum("fk,nkp->nfp", w.reshape(F, -1), cols).reshape(x.shape[0], F, OH, OW)
            if b is not None:
                out = out + np.asarray(b, dtype=float).reshape(1, F, 1, 1)
            return out
        ''',
    "while": '''
        import numpy as np

        def conv2d_forward(x, w, b=None, stride=1, padding=0):
            images = np.asarray(x, dtype=np.float64)
            if padding > 0:
                images = np.pad(images, ((0, 0), (0, 0), (padding, padding), (padding, padding)), mode="constant")
            count, _, height, width = images.shape
            filters, _, kernel_height, kernel_width = np.shape(w)
            rows = []
            top = 0
            while top + kernel_height <= height:
                row = []
                left = 0
                while left + kernel_width <= width:
                    patch = images[:, :, top:top + kernel_height, left:left + kernel_width]
                    row.append(np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3])))
                    left += stride
                rows.append(np.stack(row, axis=-1))
                top += stride
            output = np.stack(rows, axis=-2)
            if b is not None:
                output = output + np.asarray(b).reshape(-1, 1, 1)
            return output
        ''',
}

# "im2col" copied: names changed, the helper moved to its own cell after the function, comments
# added and the layout changed.
COPY_FUNCTION = '''
    import numpy as np

    def conv2d_forward(inp, weights, bias=None, stride=1, padding=0):
        # convolution layer via im2col
        inp = np.asarray(inp, dtype=float)
        if padding:
            inp = np.pad(inp, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
        nf = weights.shape[0]
        matrix, out_h, out_w = to_columns(inp, weights.shape[2], weights.shape[3], stride)
        result = np.einsum("fk,nkp->nfp",
                           weights.reshape(nf, -1),
                           matrix).reshape(inp.shape[0], nf, out_h, out_w)
        if bias is not None:
            result = result + np.asarray(bias, dtype=float).reshape(1, nf, 1, 1)
        return result
    '''
COPY_HELPER = '''
    def to_columns(images, kernel_h, kernel_w, step):
        """Unfold the windows."""
        n, ch, height, width = images.shape
        rows_out = (height - kernel_h) // step + 1
        cols_out = (width - kernel_w) // step + 1
        columns = np.empty((n, ch * kernel_h * kernel_w, rows_out * cols_out))
        position = 0
        for r in range(rows_out):
            for s in range(cols_out):
                window = images[:, :, r * step:r * step + kernel_h, s * step:s * step + kernel_w]
                columns[:, :, position] = window.reshape(n, -1)
                position += 1
        return columns, rows_out, cols_out
    '''


def code_evidence(cells):
    """The Evidence that grading stores for a submission whose code cells are `cells`."""
    code = question_code([textwrap.dedent(cell) for cell in cells], ("conv2d_forward",), list(starter_cells()))
    return Evidence(code={"conv2d_forward": code}, seconds={"conv2d_forward": 1.0})


def test_a_copied_pair_is_flagged_with_its_evidence_and_no_independent_pair_is(tmp_path):
    students = {name: [source] for name, source in INDEPENDENT.items()}
    students["copy"] = [COPY_FUNCTION, COPY_HELPER]
    record(tmp_path, [(results(name, ALL), code_evidence(cells)) for name, cells in students.items()])
    build_reports(tmp_path)
    flagged = json.loads((tmp_path / "similarity.json").read_text())
    assert [(pair["question"], pair["students"]) for pair in flagged] == [("conv2d_forward", ["copy", "im2col"])]
    assert 0.9 <= flagged[0]["similarity"] <= 1.0 and flagged[0]["evidence"]
    page = (tmp_path / "index.html").read_text()
    section = page[page.index('id="similarity"'):page.index('id="runtime"')]
    assert section.count('<pre class="code">') == 2 and "copy" in section and "im2col" in section


# --- a class of 200 -------------------------------------------------------------------------------

def test_the_class_report_of_200_submissions_builds(tmp_path):
    rng = random.Random(13)
    diagnoses = [Diagnosis.FLIPPED_KERNEL, Diagnosis.MISSING_BIAS, Diagnosis.STRIDE_IGNORED, Diagnosis.TIMEOUT]
    names = [name for names in QUESTIONS.values() for name in names]
    entries = []
    for number in range(200):
        wrong = rng.sample(names, rng.randint(0, 3))
        earned = {name: 0.0 if name in wrong else 2.0 for name in names}
        found = {name: [rng.choice(diagnoses)] for name in wrong}
        style = INDEPENDENT[rng.choice(sorted(INDEPENDENT))].replace("out", f"out{number}")
        entries.append((results(f"s{number:03d}", earned, diagnoses=found, seconds=rng.uniform(1, 9)),
                        code_evidence([style])))
    record(tmp_path, entries)
    start = time.perf_counter()
    build_reports(tmp_path)
    print(f"class report of 200 submissions: {time.perf_counter() - start:.2f} s")
    page = (tmp_path / "index.html").read_text()
    assert page.count('<tr><td><a href="s') >= 200
    assert isinstance(json.loads((tmp_path / "similarity.json").read_text()), list)


def test_a_ta_override_is_shown_with_its_comment(tmp_path):
    record(tmp_path, [(results("ada", {**ALL, "test_max": 0}), Evidence())])
    with Gradebook(tmp_path / "gradebook.sqlite") as gradebook:
        gradebook.set_override("ada", "pool2d", 4, comment="max pooling accepted after review", by="ta")
    build_reports(tmp_path)
    page = (tmp_path / "ada" / "feedback.html").read_text()
    assert "A TA set this question's score to 4: max pooling accepted after review" in page
    assert "Score: <strong>10</strong>" in page


# --- through the grader ---------------------------------------------------------------------------

FLIPPED_CONV = '''
import numpy as np

def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)[:, :, ::-1, ::-1]          # a true convolution: flipped
    p = (padding, padding) if isinstance(padding, int) else padding
    s = (stride, stride) if isinstance(stride, int) else stride
    if isinstance(padding, str):
        p = (0, 0) if padding == "valid" else ((w.shape[2] - 1) // 2, (w.shape[3] - 1) // 2)
    x = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    out = np.zeros((n, f, (h - kh) // s[0] + 1, (wd - kw) // s[1] + 1))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            window = x[:, :, i * s[0]:i * s[0] + kh, j * s[1]:j * s[1] + kw]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", window, w)
    return out if b is None else out + np.asarray(b, dtype=float).reshape(1, -1, 1, 1)
'''


def test_grading_a_wrong_array_answer_leaves_its_picture_beside_results_json_not_in_it(tmp_path):
    from autograder.cli import main
    from autograder.grading.submission import output_folder_name

    (tmp_path / "flip.py").write_text(FLIPPED_CONV)
    out = tmp_path / "out"
    main(["grade", str(tmp_path / "flip.py"), "--out", str(out), "--questions", "conv2d_forward"])
    folder = out / output_folder_name("flip")
    assert (folder / "pictures" / "conv2d_forward.png").read_bytes().startswith(b"\x89PNG")
    assert "base64" not in (folder / "results.json").read_text()
    (folder / "feedback.html").unlink()
    main(["report", str(out)])                                   # rebuilt from the gradebook
    assert (folder / "feedback.html").read_text().count("data:image/png;base64,") == 1
    with Gradebook(out / "gradebook.sqlite") as gradebook:
        code, seconds = gradebook.latest_evidence()["flip"]["conv2d_forward"]
    assert "def conv2d_forward(v0, v1" in code and seconds > 0


def test_a_cause_is_named_before_a_symptom_and_a_pattern_only_without_a_diagnosis():
    def test(diagnoses, score=0.0, pattern=None):
        extra = {"question": "pool2d", "diagnoses": diagnoses, **({"pattern": pattern} if pattern else {})}
        return {"score": score, "max_score": 2.0, "status": "failed", "extra_data": extra}

    shape_twice = [test([Diagnosis.WRONG_SHAPE]), test([Diagnosis.WRONG_SHAPE]),
                   test([Diagnosis.POOL_STRIDE_IGNORED, Diagnosis.WRONG_SHAPE], score=1.0)]
    assert classview.cell_diagnosis(shape_twice) == Diagnosis.POOL_STRIDE_IGNORED
    assert classview.cell_diagnosis([test([Diagnosis.EXCEPTION])]) == Diagnosis.EXCEPTION
    assert classview.cell_diagnosis([test([], pattern="only non-square inputs fail")]) == "only non-square inputs fail"
    assert classview.cell_diagnosis([test([Diagnosis.WRONG_SHAPE], pattern="only padding 0 fails")]) == "only padding 0 fails"
    assert classview.cell_diagnosis([test([])]) is None


def test_the_same_unexplained_failure_on_different_inputs_is_a_shared_fingerprint():
    def failing(student, output, diagnoses=(Diagnosis.EXCEPTION,)):
        one = results(student, ALL)
        tests = [a_test("pool2d", "test_max", 0, diagnoses=diagnoses, output=output), *one.tests[1:]]
        return (student, "", replace(one, tests=tests))

    index_error = "Called pool2d(float64 array of shape (2, 3, {n}, 9), 2).\nYour function raised IndexError: index 9 is out of bounds for axis 3 with size 9"
    wrong = "Called pool2d(...).\n12 of 24 values are wrong (the largest difference is {x})."
    prints = classview.wrong_answer_prints([
        failing("ada", index_error.format(n=7)), failing("ben", index_error.format(n=8)),
        failing("cy", wrong.format(x=0.52), []), failing("dee", wrong.format(x=3.1e-2), []),
        failing("eve", wrong.format(x=0.5), [Diagnosis.POOL_STRIDE_IGNORED]),      # a known cause: no print
        failing("fox", "Your function did not finish within 10 s.", [Diagnosis.TIMEOUT])])
    assert prints["ada"] == prints["ben"] and prints["cy"] == prints["dee"] != prints["ada"]
    assert "eve" not in prints and "fox" not in prints
