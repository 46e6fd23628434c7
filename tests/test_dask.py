"""--scheduler: grading on a Dask cluster gives the same results as grading here."""
import json

import pytest

from autograder.cli import main

distributed = pytest.importorskip("distributed")

SOURCE = "def dense_params(i, o, bias=True):\n    return i * o + (o if bias else 0)\n"


@pytest.mark.slow
def test_grading_on_a_dask_cluster(tmp_path):
    (tmp_path / "alice.py").write_text(SOURCE)
    (tmp_path / "bob.py").write_text(SOURCE.replace("(o if bias else 0)", "0"))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        assert main(["grade", str(tmp_path / "alice.py"), str(tmp_path / "bob.py"), "--out",
                     str(tmp_path / "out"), "--questions", "dense_params",
                     "--scheduler", cluster.scheduler_address]) == 0
    alice = json.loads((tmp_path / "out" / "alice" / "results.json").read_text())
    bob = json.loads((tmp_path / "out" / "bob" / "results.json").read_text())
    assert alice["score"] == sum(test["max_score"] for test in alice["tests"])
    assert bob["score"] < alice["score"] and "missing-bias-params" in {
        d for test in bob["tests"] for d in test["extra_data"]["diagnoses"]}
