#!/usr/bin/env python3
"""Generates libcim's IFC schema tables from the official EXPRESS schemas (standard library only).

    python3 generate_schema.py SCHEMA_DIR            # writes generated/<schema>.inc for IFC2X3, IFC4, IFC4X3
                                                     # and generated/names.h
    python3 generate_schema.py SCHEMA_DIR --check    # exit 1 if the committed files differ

SCHEMA_DIR holds IFC2X3.exp, IFC4.exp and IFC4X3.exp (buildingSMART's EXPRESS; in this project
../shared/data/schemas). The output is committed, so building libcim needs neither Python nor the schemas.

Per schema it emits, sorted by upper-case name for binary search:
  entities:   name, parent entity index (-1 for roots), abstract flag, first own explicit attribute, own count;
  attributes: name, referenced type name, kind, aggregate depth, optional flag (explicit attributes only, in
              declaration order; inherited ones come from the parent chain at run time);
  types:      defined types (their underlying kind), SELECTs (member names) and ENUMERATIONs (values).
and, for the three schemas together, names.h: the upper-case STEP spelling of every entity and type of any of them
as a constant named like the class (names::IfcWall == "IFCWALL"), for code to name classes by.
"""
import os
import re
import sys

SCHEMAS = [("IFC2X3", "IFC2X3.exp", "ifc2x3"), ("IFC4", "IFC4.exp", "ifc4"), ("IFC4X3", "IFC4X3.exp", "ifc4x3")]
HERE = os.path.dirname(os.path.abspath(__file__))
SIMPLE = {"INTEGER": "Integer", "REAL": "Real", "NUMBER": "Number", "BOOLEAN": "Boolean", "LOGICAL": "Logical",
          "STRING": "String", "BINARY": "Binary"}
SECTIONS = ("DERIVE", "INVERSE", "UNIQUE", "WHERE")


def strip_comments(text):
    text = re.sub(r"\(\*.*?\*\)", " ", text, flags=re.S)
    return re.sub(r"--[^\n]*", " ", text)


def parse_type_expr(expr):
    """'OPTIONAL LIST [1:?] OF UNIQUE IfcFoo' -> (optional, depth, base name)."""
    words = expr.replace("[", " [").split()
    optional = False
    depth = 0
    i = 0
    base = None
    while i < len(words):
        w = words[i]
        if w == "OPTIONAL":
            optional = True
        elif w in ("LIST", "SET", "BAG", "ARRAY"):
            depth += 1
        elif w.startswith("[") or w in ("OF", "UNIQUE") or re.fullmatch(r"[\d?:\]]+", w):
            pass
        else:
            base = re.sub(r"\(.*", "", w)  # STRING(255) -> STRING
            break
        i += 1
    return optional, depth, base


def parse_schema(path):
    text = strip_comments(open(path, encoding="utf-8", errors="replace").read())
    entities = {}
    types = {}
    for m in re.finditer(r"\bTYPE\s+(\w+)\s*=\s*(.*?);\s*(?:WHERE.*?)?END_TYPE;", text, flags=re.S):
        name, body = m.group(1), " ".join(m.group(2).split())
        if "SELECT" in body:
            members = re.findall(r"\w+", body[body.index("SELECT") + 6:])
            types[name] = ("Select", 0, ",".join(members))
        elif body.startswith("ENUMERATION OF"):
            values = re.findall(r"\w+", body[len("ENUMERATION OF"):])
            types[name] = ("Enum", 0, ",".join(values))
        else:
            _, depth, base = parse_type_expr(body)
            types[name] = ("Defined", depth, base)
    for m in re.finditer(r"\bENTITY\s+(\w+)(.*?)END_ENTITY;", text, flags=re.S):
        name, body = m.group(1), m.group(2)
        statements = [" ".join(s.split()) for s in body.split(";")]
        header = statements[0]
        parent = None
        sub = re.search(r"SUBTYPE OF\s*\(\s*(\w+)\s*\)", header)
        if sub:
            parent = sub.group(1)
        abstract = bool(re.search(r"\bABSTRACT\b", header))
        attributes = []
        for st in statements[1:]:
            if not st or st.split()[0] in SECTIONS or st.startswith("END_ENTITY"):
                break
            if ":" not in st:
                continue
            names, expr = st.split(":", 1)
            for attr in [n.strip() for n in names.split(",")]:
                if attr.startswith("SELF\\"):
                    continue  # redeclaration of an inherited attribute: no new slot
                optional, depth, base = parse_type_expr(expr)
                attributes.append((attr, base, depth, optional))
        entities[name] = (parent, abstract, attributes)
    return entities, types


def resolve_kind(base, types, entities, seen=None):
    """The kind an attribute's value has in a STEP file, and its aggregate depth added by defined types."""
    if base in SIMPLE:
        return SIMPLE[base], 0
    if base in entities:
        return "Entity", 0
    if base in types:
        kind, depth, ref = types[base]
        if kind in ("Select", "Enum"):
            return kind, 0
        seen = seen or set()
        if base in seen:
            return "Unknown", 0
        seen.add(base)
        k, d = resolve_kind(ref, types, entities, seen)
        return k, d + depth
    return "Unknown", 0


def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(schema_name, path):
    entities, types = parse_schema(path)
    names = sorted(entities, key=lambda n: n.upper())
    index = {n: i for i, n in enumerate(names)}
    lines = [f"// Generated by libcim/src/io/ifc/schema/generate_schema.py from {os.path.basename(path)}; do not edit.",
             f"// {len(names)} entities, {len(types)} types.", ""]
    attr_rows = []
    entity_rows = []
    for n in names:
        parent, abstract, attributes = entities[n]
        first = len(attr_rows)
        for attr, base, depth, optional in attributes:
            kind, extra = resolve_kind(base, types, entities)
            attr_rows.append(f"    {{{c_str(attr)}, {c_str(base or '')}, AttrKind::{kind}, {depth + extra}, "
                             f"{'true' if optional else 'false'}}},")
        p = index.get(parent, -1) if parent else -1
        entity_rows.append(f"    {{{c_str(n.upper())}, {c_str(n)}, {p}, {'true' if abstract else 'false'}, {first}, "
                           f"{len(attributes)}}},")
    type_rows = []
    for t in sorted(types, key=lambda n: n.upper()):
        kind, depth, ref = types[t]
        if kind == "Defined":
            k, d = resolve_kind(t, types, entities)
            type_rows.append(f"    {{{c_str(t.upper())}, {c_str(t)}, AttrKind::{k}, {d}, {c_str(ref or '')}}},")
        else:
            type_rows.append(f"    {{{c_str(t.upper())}, {c_str(t)}, AttrKind::{kind}, 0, {c_str(ref)}}},")
    lines.append("static constexpr AttributeDef kAttributes[] = {")
    lines += attr_rows
    lines.append("};")
    lines.append("static constexpr EntityDef kEntities[] = {")
    lines += entity_rows
    lines.append("};")
    lines.append("static constexpr TypeDef kTypes[] = {")
    lines += type_rows
    lines.append("};")
    lines.append(f"static constexpr const char* kSchemaName = {c_str(schema_name)};")
    return "\n".join(lines) + "\n"


def generate_names(parsed):
    """names.h: one std::string_view constant per entity or type name of any schema (their union), sorted."""
    names = set()
    for entities, types in parsed:
        names.update(entities)
        names.update(types)
    sources = ", ".join(exp for _, exp, _ in SCHEMAS)
    lines = [f"// Generated by libcim/src/io/ifc/schema/generate_schema.py from {sources}; do not edit.",
             "// The upper-case STEP spelling of every entity and type of IFC2X3, IFC4 and IFC4X3_ADD2 (their union),",
             "// named like the class: code names IFC classes by these, so a misspelt name does not compile.",
             "#pragma once", "", "#include <string_view>", "", "namespace cim::io::ifc::names {", ""]
    for n in sorted(names, key=lambda n: (n.upper(), n)):
        lines.append(f"inline constexpr std::string_view {n} = {c_str(n.upper())};")
    lines += ["", "}  // namespace cim::io::ifc::names"]
    return "\n".join(lines) + "\n"


def write_or_compare(out, text, check, differing):
    """Writes `text` to `out`, or with `check` records `out` in `differing` when its content is not `text`."""
    if check:
        try:
            current = open(out, encoding="utf-8").read()
        except FileNotFoundError:
            current = None
        if current != text:
            differing.append(out)
        return
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {out}")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    check = "--check" in sys.argv[1:]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    if check and not all(os.path.exists(os.path.join(args[0], exp)) for _, exp, _ in SCHEMAS):
        print(f"EXPRESS schemas not found in {args[0]}; nothing to check against")
        return 77  # CTest's skip code in this project
    differing = []
    for schema_name, exp, stem in SCHEMAS:
        text = generate(schema_name, os.path.join(args[0], exp))
        write_or_compare(os.path.join(HERE, "generated", stem + ".inc"), text, check, differing)
    parsed = [parse_schema(os.path.join(args[0], exp)) for _, exp, _ in SCHEMAS]
    write_or_compare(os.path.join(HERE, "generated", "names.h"), generate_names(parsed), check, differing)
    if check:
        if differing:
            print("generated schema files differ from the generator's output: " + ", ".join(differing))
            return 1
        print("generated schema files match the EXPRESS schemas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
