#!/usr/bin/env python3
"""Lists the functions libcim calls in the libraries it loads lazily (cmake/lazy_libraries.cmake): the symbols
libcim's objects leave undefined that the library defines. Writes libcim/lazy_symbols.txt, which the build turns into
trampolines; run it after calling a new function of one of those libraries (the link of the cim tool fails with an
undefined reference to it until then), and `--check` (the test suite does) says whether the file is up to date.

usage: scripts/lazy_symbols.py [--check] LIBCIM_ARCHIVE NAME=SHARED_LIBRARY...
"""
import subprocess
import sys


def symbols(args):
    out = subprocess.run(["nm"] + args, check=True, capture_output=True, text=True).stdout
    return out.splitlines()


def main():
    argv = sys.argv[1:]
    check = "--check" in argv
    argv = [a for a in argv if a != "--check"]
    archive, libs = argv[0], [a.split("=", 1) for a in argv[1:]]
    undefined = {line.split()[-1] for line in symbols(["-u", archive]) if line.strip().startswith("U ")}
    # A symbol one object of the archive defines (an inline function emitted weakly) is not the library's to give;
    # the trampolines this list makes (lazy_trampolines.S) do not count.
    member, defined_here = "", set()
    for line in symbols(["--defined-only", archive]):
        if line.endswith(":"):
            member = line[:-1]
        elif len(line.split()) == 3 and not member.startswith("lazy_trampolines"):
            defined_here.add(line.split()[2])
    undefined -= defined_here
    text = ["# Functions libcim calls in the libraries it loads on first use (cmake/lazy_libraries.cmake), by library.",
            "# Made by scripts/lazy_symbols.py from the build; do not edit by hand."]
    for name, path in libs:
        defined = set()
        for line in symbols(["-D", "--defined-only", path]):
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TW":
                defined.add(parts[2])
        used = sorted(undefined & defined)
        text.append("[" + name + "]")
        text.extend(used)
    text = "\n".join(text) + "\n"
    target = "libcim/lazy_symbols.txt"
    if check:
        current = open(target, encoding="utf-8").read()
        if current != text:
            sys.stderr.write("libcim/lazy_symbols.txt is out of date: run scripts/lazy_symbols.py (see its help)\n")
            return 1
        return 0
    open(target, "w", encoding="utf-8").write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
