"""The `student` fixture's objects: `student.corr2d(x, k)` calls the student's corr2d and returns an
`Answer`. The hidden suites see only this interface, so the same suite runs against a sandboxed
submission (grading) or against functions in this process (the self-check and the project's tests).
"""
import copy
import time
from functools import cached_property


from autograder.grading.answer import MISSING, RAISED, UNLOADABLE, Answer, ModelRun
from autograder.grading.lesson_cells import LoadPlan, bound_by, load_plan, names_not_defined, with_skipped
from autograder.grading.sandbox import Sandbox, SandboxFailure, withdrawable
from autograder.grading.sandbox_worker import (ForbiddenMonitor, LineCounter, argument_names, exception_names,
                                                predict_with, student_traceback, train_model_of)


class Student:
    """Attribute access gives a function that records every call's Answer in `answers`."""

    def __init__(self):
        self.answers = []

    def __getattr__(self, function):
        if function.startswith("_"):
            raise AttributeError(function)
        return lambda *args, **kwargs: self._record(self.call(function, args, kwargs))

    def _record(self, answer):
        self.answers.append(answer)
        return answer

    def call(self, function, args, kwargs, count_lines=False):
        """The Answer of `function(*args, **kwargs)`; count_lines: count the Python lines it runs."""
        raise NotImplementedError

    def counted(self, function, *args, **kwargs):
        """Call `function` counting the Python lines of the student's own code that it runs: its
        Answer's `lines` (None when the call switched the counting off). Speed is judged by this
        count, the same on any machine, never by time."""
        return self._record(self.call(function, args, kwargs, count_lines=True))

    def close(self):
        """Release what answering needed (a sandbox); nothing for a student in this process."""

    def run_model(self, dataset, device, *, functions, seed, seconds):
        """Build and train a model with the student's `functions` (build, train) on dataset's
        training split within `seconds`, then predict its held-out images: a ModelRun. The held-out
        labels stay with the caller."""
        raise NotImplementedError


def _missing_model(device, functions, defined):
    """A ModelRun saying which of the model's `functions` is missing, or None when all exist."""
    missing = [name for name in functions if name not in defined]
    return ModelRun(device, failure=MISSING, message=" and ".join(missing)) if missing else None


def _model_run(device, report, result, output=""):
    # Training time: train_model's and the predictions' (a model may train in its first forward).
    return ModelRun(device, output=output, seconds=report["seconds"] + result.get("seconds", 0.0), state=report["state"],
                    statistics=report["statistics"], devices=report["devices"], labels=result["labels"],
                    first_outputs=result["first_outputs"])


class LocalStudent(Student):
    """Calls functions of a namespace in this process: for trusted code only (a student's own
    self-check, the reference and the wrong variants in the project's tests), never for grading."""

    def __init__(self, namespace, forbidden=()):
        super().__init__()
        self.namespace = namespace
        self.forbidden = tuple(forbidden)     # APIs watched for during calls, as in the sandbox
        self.monitor = ForbiddenMonitor()

    def call(self, function, args, kwargs, count_lines=False):
        answer = Answer(function, args, kwargs)
        target = self.namespace.get(function)
        if not callable(target):
            answer.failure, answer.message = MISSING, f"{function} is not defined"
            return answer
        given_args, given_kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
        arrays = argument_names(target, given_args, given_kwargs)
        before = {name: array.tobytes() for name, array in arrays.items()}
        counter = LineCounter(enabled=count_lines)
        start = time.perf_counter()
        try:
            with self.monitor.watching(self.forbidden), counter:
                answer.value = target(*given_args, **given_kwargs)
        except Exception as error:  # the student's error is the answer, not the grader's
            answer.failure, answer.message = RAISED, student_traceback(error)
            answer.exception = exception_names(error)
        answer.forbidden = self.monitor.take()
        answer.seconds = time.perf_counter() - start
        answer.lines = counter.count
        answer.mutated = [name for name, array in arrays.items() if array.tobytes() != before[name]]
        return answer

    def run_model(self, dataset, device, *, functions, seed, seconds):
        missing = _missing_model(device, functions, [name for name in functions if callable(self.namespace.get(name))])
        if missing:
            return missing
        try:
            model, report = train_model_of(self.namespace, functions, dataset.x_train, dataset.y_train,
                                           dataset.x_train.shape[1:], num_classes(dataset), device, seed)
            return _model_run(device, report, predict_with(model, dataset.x_test, 512))
        except Exception as error:
            return ModelRun(device, failure=RAISED, message=student_traceback(error))


def num_classes(dataset):
    return int(dataset.y_train.max()) + 1


class SandboxStudent(Student):
    """Calls into a submission's sandbox, started and loaded at the first call and stopped by
    close(), so that only the submission under test holds a process. Calls of from-scratch
    questions are watched for the forbidden APIs. The model question runs in a sandbox of its
    own, the only one that imports torch, with the memory and time that training needs. A
    model_cache (`model_cache.ModelCache`) gives back the model trained at an earlier grading of
    the same submission (its `submission_sha256`) instead of training it again."""

    def __init__(self, cells, assignment, *, isolate, gpu, all_cells, model_cache=None, submission_sha256=""):
        super().__init__()
        self.model_cache, self.submission_sha256 = model_cache, submission_sha256
        # Each sandbox skips the unchanged lesson cells that the functions it calls do not need.
        graded = [function for question in assignment.questions.values() if not question.trains_model
                  for function in question.functions]
        trained = [function for question in assignment.questions.values() if question.trains_model
                   for function in question.functions]
        self.cells = cells
        self.plan = LoadPlan([], cells, {}) if all_cells else load_plan(cells, graded)
        self.model_plan = LoadPlan([], cells, {}) if all_cells else load_plan(cells, trained)
        self.model_failures = []    # why the model could not be trained: tracebacks
        self.model_missing = set()  # the model's functions found missing
        model = [question.id for question in assignment.questions.values() if question.trains_model]
        # Every question graded here is from scratch: the forbidden APIs are withdrawn from it.
        scratch_only = all(question.from_scratch for question in assignment.questions.values() if not question.trains_model)
        self.sandbox = Sandbox(self.plan.cells, assignment.limits, isolate,
                               withdrawn=withdrawable(assignment.forbidden) if scratch_only else ())
        self.model_sandbox = Sandbox(self.model_plan.cells, assignment.model_limits(model[0]) if model else assignment.limits,
                                     isolate, gpu=gpu)
        self.forbidden = tuple(assignment.forbidden)
        self.watched = frozenset(function for question in assignment.questions.values() if question.from_scratch
                                 for function in question.functions)
        self.seconds = 0.0      # wall-clock time the sandboxes were up

    @cached_property
    def load(self):
        """The LoadReport of running the notebook's cells (the first time it is asked for)."""
        self.started = time.perf_counter()
        report = self.sandbox.load()
        if (self.plan.skipped or self.plan.dropped) and not report.failure:
            report.cells = with_skipped(report.cells, self.cells, self.plan)
        return report

    def needs_every_cell(self):
        """True when something failed for want of a name that a skipped lesson cell binds (a
        NameError, or a function not defined): the submission is then graded with every cell."""
        plans = (self.plan, self.model_plan)
        if not any(plan.skipped or plan.dropped for plan in plans):
            return False
        loaded = self.__dict__.get("load")
        texts = [answer.message for answer in self.answers] + self.model_failures
        texts += [cell["error"] for cell in loaded.cells] if loaded else []
        wanted = names_not_defined(texts) | {answer.function for answer in self.answers if answer.failure == MISSING}
        wanted |= self.model_missing
        left_out = {name for plan in plans for name in bound_by(self.cells, plan.skipped) | set(plan.dropped)}
        return bool(wanted & left_out)

    def call(self, function, args, kwargs, count_lines=False):
        if self.load.failure:
            return Answer(function, args, kwargs, failure=UNLOADABLE, message=self.load.failure)
        if function not in self.load.defined:
            return Answer(function, args, kwargs, failure=MISSING, message=f"{function} is not defined")
        watch = self.forbidden if function in self.watched else ()
        return self.sandbox.call(function, args, kwargs, forbidden=watch, count_lines=count_lines)

    def run_model(self, dataset, device, *, functions, seed, seconds):
        key = self.model_cache and self.model_cache.key(
            submission_sha256=self.submission_sha256, functions=functions, seed=seed, seconds=seconds,
            limits=self.model_sandbox.limits, device=device, dataset=dataset)
        run = (key and self.model_cache.get(key)) or self._trained(dataset, device, functions=functions,
                                                                   seed=seed, seconds=seconds)
        if key and not run.cached:
            self.model_cache.put(key, run)
        return run

    def _trained(self, dataset, device, *, functions, seed, seconds):
        # Past the budget training fails its time test; far past it, the sandbox is killed.
        deadline = 1.5 * seconds + 15
        # Defined in the model sandbox itself: the other one withdraws torch, which can stop a cell.
        defined = None if self.load.failure else self.model_sandbox.names()
        missing = None if defined is None else _missing_model(device, functions, defined)
        if missing:
            self.model_missing.update(name for name in functions if name not in defined)
            return missing
        try:
            report, output = self.model_sandbox.train(functions, dataset.x_train, dataset.y_train, dataset.x_train.shape[1:],
                                                      num_classes(dataset), device, seed, deadline)
            result, more = self.model_sandbox.predict(dataset.x_test, deadline)
        except SandboxFailure as failure:
            self.model_failures.append(failure.message)
            return ModelRun(device, failure=failure.kind, message=failure.message, output=failure.output)
        return _model_run(device, report, result, output + more)

    def close(self):
        self.sandbox.kill()
        self.model_sandbox.kill()
        if "load" in self.__dict__:
            self.seconds = time.perf_counter() - self.started
