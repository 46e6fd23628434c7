"""Grading, for the grader alone: a submission is read (`submission`), run in a sandbox (`sandbox`,
`sandbox_worker`) behind the suites' `student` fixture (`student`), checked by the hidden suites
(`hidden`, with `autograder.expect` and the catalogue of wrong variants in `variants`), and turned
into results (`pipeline`); `batch` grades a class, on this machine or on Dask."""
