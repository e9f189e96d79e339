#!/usr/bin/env python3
"""Every deck of examples/ has its row in README.md's "Example decks"
table, so a newcomer learns of each (and of the slow one) before running it.

Usage: example_decks_test.py SOURCE_DIR
"""
import glob
import os
import re
import sys


def main():
    source = sys.argv[1]
    with open(os.path.join(source, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    section = re.search(r"^## Example decks\n(.*?)(?=^## )", readme, re.S | re.M)
    if not section:
        print("README.md has no '## Example decks' section")
        return 1
    rows = set(re.findall(r"^\| `(examples/[\w.-]+\.deck)` \|", section.group(1), re.M))
    decks = {os.path.relpath(p, source) for p in glob.glob(os.path.join(source, "examples", "*.deck"))}
    missing, stale = sorted(decks - rows), sorted(rows - decks)
    for deck in missing:
        print("README.md's Example decks table has no row for " + deck)
    for deck in stale:
        print("README.md's Example decks table lists " + deck + ", which does not exist")
    return 1 if missing or stale else 0


if __name__ == "__main__":
    sys.exit(main())
