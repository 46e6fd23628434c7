"""For instructors: the students' exercises generated from `solutions/`, and the nbgrader, otter
and Gradescope forms of the assignment."""
