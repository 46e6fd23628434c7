"""Records, for TAs and instructors: the typed results of a submission (`results`), the SQLite
gradebook that keeps every run (`gradebook`), the feedback pages and class report (`reports`), and
grade exports (`exports`)."""
