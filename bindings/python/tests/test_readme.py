"""The README's Python example works as printed: run from the repository root, it prints what the README shows."""

import os
import re
import subprocess
import sys

from conftest import ROOT


def _python_section():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shown = re.search(r"```text\n(.*?)```", section, re.S).group(1)
    return code, shown


def test_readme_example_is_five_lines_and_prints_what_it_shows():
    code, shown = _python_section()
    assert len(code.strip().splitlines()) == 5
    env = dict(os.environ)
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert [line.rstrip() for line in run.stdout.splitlines()] == [line.rstrip() for line in shown.splitlines()]
