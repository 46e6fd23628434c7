"""Trained models kept between gradings of the same submission.

Training is the grader's largest cost (minutes on a CPU). A regrade that changes nothing training
depends on reads the ModelRun back instead of training again: the key is the submission's sha256,
the model question's functions, seed, time budget and sandbox limits, the device, the data (a
digest of its arrays) and the grader's training code (a digest of the sandbox worker, which
builds, trains and predicts). A `--force` regrade, a new grader version that leaves those alone,
grading other questions again: none of them retrains. Only runs that trained and predicted are
kept; a failure is tried again next time.

Stored as plain data under the output folder (`OUT/.model-cache/<key>.npz`: the state dict, the
predicted labels, the first outputs; `<key>.json`: the rest), written atomically and read with
allow_pickle=False; a file that cannot be read is a miss, never an error.
"""
import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from autograder.grading.answer import ModelRun
from autograder.grading.sandbox import WORKER

FOLDER = ".model-cache"
STATE = "state/"       # prefix of the state dict's arrays in the .npz
TEXT_FIELDS = ("device", "output", "seconds", "statistics", "devices")


def dataset_digest(dataset):
    """sha256 of a cnn_ref.data.Dataset's arrays (shapes, types and bytes), held-out labels included."""
    digest = hashlib.sha256()
    for name in ("x_train", "y_train", "x_test", "y_test"):
        array = np.ascontiguousarray(getattr(dataset, name))
        digest.update(f"{name}{array.shape}{array.dtype.str}".encode())
        digest.update(array.data)
    return digest.hexdigest()


class ModelCache:
    """The ModelRuns of earlier gradings, in `folder`."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self._digests = {}     # id(dataset) -> (dataset, its digest): one grading process hashes it once

    def key(self, *, submission_sha256, functions, seed, seconds, limits, device, dataset):
        """The key of one training run: everything its outcome depends on."""
        if id(dataset) not in self._digests:
            self._digests[id(dataset)] = (dataset, dataset_digest(dataset))
        facts = {"submission": submission_sha256, "functions": list(functions), "seed": seed, "seconds": seconds,
                 "limits": dataclasses.asdict(limits), "device": device, "dataset": self._digests[id(dataset)][1],
                 "training_code": hashlib.sha256(WORKER.read_bytes()).hexdigest()}
        return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()

    def get(self, key):
        """The ModelRun stored under `key`, or None (never stored, or unreadable)."""
        try:
            facts = json.loads((self.folder / f"{key}.json").read_text())
            with np.load(self.folder / f"{key}.npz", allow_pickle=False) as arrays:
                state = {name[len(STATE):]: arrays[name] for name in arrays.files if name.startswith(STATE)}
                labels, first_outputs = arrays["labels"], arrays["first_outputs"]
            return ModelRun(**{name: facts[name] for name in TEXT_FIELDS}, state=state, labels=labels,
                            first_outputs=first_outputs, cached=True)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key, run):
        """Keep `run` under `key` when it trained and predicted; a failed run is not kept."""
        if run.failure is not None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        arrays = {f"{STATE}{name}": value for name, value in run.state.items()}
        arrays.update(labels=np.asarray(run.labels), first_outputs=np.asarray(run.first_outputs))
        facts = {name: getattr(run, name) for name in TEXT_FIELDS}
        # The arrays first, the JSON last: a reader finds both or a miss, never half an entry.
        self._write(f"{key}.npz", lambda file: np.savez(file, **arrays))
        self._write(f"{key}.json", lambda file: file.write(json.dumps(facts).encode()))

    def _write(self, name, write):
        descriptor, partial = tempfile.mkstemp(dir=self.folder, prefix=".partial-")
        try:
            with os.fdopen(descriptor, "wb") as file:
                write(file)
            os.replace(partial, self.folder / name)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
