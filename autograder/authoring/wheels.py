"""Building a wheel from a prepared source tree: the project's (graders, exports) and the students'."""
import subprocess
import sys
from pathlib import Path


def pip_wheel(tree, target_dir, what):
    """Build the project in `tree` into target_dir with pip (no dependencies, this environment's
    setuptools); RuntimeError naming `what` when it fails."""
    Path(target_dir).mkdir(parents=True, exist_ok=True)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "--disable-pip-version-check", "-w", str(target_dir), str(tree)],
                           capture_output=True, text=True)
    if built.returncode:
        raise RuntimeError(f"building {what} failed:\n{built.stderr[-2000:]}")
