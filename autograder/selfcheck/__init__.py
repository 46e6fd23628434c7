"""The student's own check, `from autograder import check; check("corr2d")`, and
`cnn-grade check NOTEBOOK`: a few public cases per question through the grader's own checks."""
