"""The `student` fixture's objects: `student.corr2d(x, k)` calls the student's corr2d and returns an
`Answer`. The hidden suites see only this interface, so the same suite runs against a sandboxed
submission (grading) or against functions in this process (the self-check and the project's tests).
"""
import copy
import time
from functools import cached_property


from autograder.grading.answer import MISSING, RAISED, UNLOADABLE, Answer, ModelRun
from autograder.grading.sandbox import Sandbox, SandboxFailure
from autograder.grading.sandbox_worker import (argument_names, exception_names, predict_with, student_traceback,
                             time_against_matmul, train_model_of)


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

    def call(self, function, args, kwargs):
        raise NotImplementedError

    def close(self):
        """Release what answering needed (a sandbox); nothing for a student in this process."""

    def timing(self, function, *args, **kwargs):
        """Seconds of the call and of a matrix product of `matmul=(m, k, n)`, best of three, or
        None when the function cannot be timed (missing, crashing)."""
        raise NotImplementedError

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
    return ModelRun(device, output=output, seconds=report["seconds"], state=report["state"],
                    statistics=report["statistics"], devices=report["devices"], labels=result["labels"],
                    first_outputs=result["first_outputs"])


class LocalStudent(Student):
    """Calls functions of a namespace in this process: for trusted code only (a student's own
    self-check, the reference and the wrong variants in the project's tests), never for grading."""

    def __init__(self, namespace):
        super().__init__()
        self.namespace = namespace

    def call(self, function, args, kwargs):
        answer = Answer(function, args, kwargs)
        target = self.namespace.get(function)
        if not callable(target):
            answer.failure, answer.message = MISSING, f"{function} is not defined"
            return answer
        given_args, given_kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
        arrays = argument_names(target, given_args, given_kwargs)
        before = {name: array.tobytes() for name, array in arrays.items()}
        start = time.perf_counter()
        try:
            answer.value = target(*given_args, **given_kwargs)
        except Exception as error:  # the student's error is the answer, not the grader's
            answer.failure, answer.message = RAISED, student_traceback(error)
            answer.exception = exception_names(error)
        answer.seconds = time.perf_counter() - start
        answer.mutated = [name for name, array in arrays.items() if array.tobytes() != before[name]]
        return answer

    def timing(self, function, *args, matmul, **kwargs):
        target = self.namespace.get(function)
        try:
            return time_against_matmul(target, args, kwargs, matmul, 3)
        except Exception:  # missing or failing: the speed check reports it, as in the sandbox
            return None

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
    own, the only one that imports torch, with the memory and time that training needs."""

    def __init__(self, cells, assignment, *, isolate, gpu):
        super().__init__()
        self.sandbox = Sandbox(cells, assignment.limits, isolate)
        model = [question.id for question in assignment.questions.values() if question.trains_model]
        self.model_sandbox = Sandbox(cells, assignment.model_limits(model[0]) if model else assignment.limits,
                                     isolate, gpu=gpu)
        self.forbidden = tuple(assignment.forbidden)
        self.watched = frozenset(function for question in assignment.questions.values() if question.from_scratch
                                 for function in question.functions)
        self.seconds = 0.0      # wall-clock time the sandboxes were up

    @cached_property
    def load(self):
        """The LoadReport of running the notebook's cells (the first time it is asked for)."""
        self.started = time.perf_counter()
        return self.sandbox.load()

    def call(self, function, args, kwargs):
        if self.load.failure:
            return Answer(function, args, kwargs, failure=UNLOADABLE, message=self.load.failure)
        if function not in self.load.defined:
            return Answer(function, args, kwargs, failure=MISSING, message=f"{function} is not defined")
        watch = self.forbidden if function in self.watched else ()
        return self.sandbox.call(function, args, kwargs, forbidden=watch)

    def timing(self, function, *args, matmul, **kwargs):
        if self.load.failure or function not in self.load.defined:
            return None
        return self.sandbox.time_call(function, args, kwargs, matmul)

    def run_model(self, dataset, device, *, functions, seed, seconds):
        # Past the budget training fails its time test; far past it, the sandbox is killed.
        deadline = 1.5 * seconds + 15
        missing = None if self.load.failure else _missing_model(device, functions, self.load.defined)
        if missing:
            return missing
        try:
            report, output = self.model_sandbox.train(functions, dataset.x_train, dataset.y_train, dataset.x_train.shape[1:],
                                                      num_classes(dataset), device, seed, deadline)
            result, more = self.model_sandbox.predict(dataset.x_test, deadline)
        except SandboxFailure as failure:
            return ModelRun(device, failure=failure.kind, message=failure.message, output=failure.output)
        return _model_run(device, report, result, output + more)

    def close(self):
        self.sandbox.kill()
        self.model_sandbox.kill()
        if "load" in self.__dict__:
            self.seconds = time.perf_counter() - self.started
