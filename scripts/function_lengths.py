#!/usr/bin/env python3
"""Lists the longest C++ functions of the given files or folders: lines from the function's signature to its closing
brace (lambdas and local classes count towards the function that holds them).

    python3 scripts/function_lengths.py libcim [--top 20] [--over 80]

A brace-matching reader, not a compiler: it skips comments, strings and character literals, and takes a `{` as a
function body when it opens at namespace or class scope after a parameter list. Good enough to find what to split;
exits 0 always.
"""
import argparse
import os
import re
import sys

SOURCE_SUFFIXES = (".cpp", ".cc", ".h", ".hpp", ".inc")
CONTROL = re.compile(r"^\s*(if|for|while|switch|catch|do|else)\b")
SCOPE = re.compile(r"^\s*(template\s*<.*>\s*)?(namespace|class|struct|union|enum)\b")
EXTERN = re.compile(r'^\s*extern\s+"C"')


def strip_code(text):
    """The text with comments, string and char literals blanked (newlines kept, so line numbers stay)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif c == 'R' and text.startswith('R"', i):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = ")" + m.group(1) + '"'
            j = text.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    """(lines, first line, name) of every function body at namespace or class scope."""
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return []
    code = strip_code(text)
    # Preprocessor lines (and their continuations) are no part of a declaration.
    lines = code.split("\n")
    continued = False
    for k, line in enumerate(lines):
        if continued or line.lstrip().startswith("#"):
            continued = line.rstrip().endswith("\\")
            lines[k] = " " * len(line)
    code = "\n".join(lines)
    stack = []  # "ns", "class", "func", "other"
    header_start = 0  # index where the current statement began
    found = []
    line_of = lambda idx: code.count("\n", 0, idx) + 1
    i = 0
    for i, c in enumerate(code):
        if c in ";":
            header_start = i + 1
        elif c == "{":
            header = code[header_start:i]
            at_outer = all(s[0] in ("ns", "class") for s in stack)
            kind = "other"
            if SCOPE.match(header) and "(" not in header:
                kind = "ns" if re.search(r"\bnamespace\b", header) else "class"
            elif EXTERN.match(header):
                kind = "ns"
            elif at_outer and ")" in header and not CONTROL.match(header) and "=" not in header.split("(")[0]:
                kind = "func"
            stack.append((kind, header_start, header))
            header_start = i + 1
        elif c == "}":
            if stack:
                kind, start, header = stack.pop()
                if kind == "func":
                    first = line_of(start + len(header) - len(header.lstrip()))
                    last = line_of(i)
                    name = re.sub(r"\s+", " ", header.strip().split("(")[0])[-60:]
                    found.append((last - first + 1, first, name))
            header_start = i + 1
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--over", type=int, default=0, help="only functions longer than this")
    args = ap.parse_args()
    rows = []
    for p in args.paths:
        files = [p] if os.path.isfile(p) else [
            os.path.join(d, f) for d, _, fs in os.walk(p) for f in fs if f.endswith(SOURCE_SUFFIXES)]
        for f in sorted(files):
            if "/generated/" in f:
                continue
            for length, first, name in functions(f):
                if length > args.over:
                    rows.append((length, f, first, name))
    rows.sort(key=lambda r: (-r[0], r[1], r[2]))
    for length, f, first, name in rows[: args.top]:
        print(f"{length:5d}  {f}:{first}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
