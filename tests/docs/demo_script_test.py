#!/usr/bin/env python3
"""scripts/demo.sh builds every program the tree has (each
`add_executable(cardflow-...)`), so the README's commands, which call them
by name with build/bin on PATH, work after it and not only after
scripts/test.sh.

Usage: demo_script_test.py SOURCE_DIR
"""
import glob
import os
import re
import sys


def main():
    source = sys.argv[1]
    programs = set()
    for path in glob.glob(os.path.join(source, "**", "CMakeLists.txt"), recursive=True):
        if os.path.relpath(path, source).startswith("build"):  # build trees: build/, build-asan/
            continue
        with open(path, encoding="utf-8") as f:
            programs.update(re.findall(r"add_executable\((cardflow-[\w-]+)", f.read()))
    with open(os.path.join(source, "scripts", "demo.sh"), encoding="utf-8") as f:
        script = f.read().replace("\\\n", " ")
    built = set()
    for line in script.splitlines():
        if re.match(r"\s*cmake --build\b", line):
            match = re.search(r"--target((?:\s+[\w-]+)+)", line)
            if match:
                built.update(match.group(1).split())
    missing = sorted(programs - built)
    if not programs:
        print("no add_executable(cardflow-...) found under " + source)
        return 1
    if missing:
        print("scripts/demo.sh does not build: " + ", ".join(missing))
        return 1
    print("scripts/demo.sh builds " + ", ".join(sorted(programs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
