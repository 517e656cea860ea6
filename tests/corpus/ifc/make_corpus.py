#!/usr/bin/env python3
"""Writes the malformed-IFC corpus next to this script (standard library only, deterministic output).

    python3 tests/corpus/ifc/make_corpus.py           # (re)write the .ifc files
    python3 tests/corpus/ifc/make_corpus.py --check   # exit 1 if a committed file differs from what this makes

Every file but the ones that cannot be IFC at all holds the same two good elements (a wall and a slab with
extruded bodies, millimetre units) and one kind of damage; manifest.json says what reading each must give. A file
may also be added by hand: the test reads the manifest, not this script.
"""
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

GOOD_WALL = "0CorpusGoodWall0000000"  # 4000 x 200 mm profile extruded 3000 mm
GOOD_SLAB = "0CorpusGoodS1ab0000000"  # 5000 x 5000 mm profile extruded 250 mm, placed 1000 mm below the origin


def header(name, schema="IFC4"):
    return (
        "ISO-10303-21;\n"
        "HEADER;\n"
        "FILE_DESCRIPTION(('ViewDefinition [ReferenceView]'),'2;1');\n"
        f"FILE_NAME('{name}','2024-01-01T00:00:00',('libcim'),('libcim'),'libcim corpus','libcim corpus','');\n"
        f"FILE_SCHEMA(('{schema}'));\n"
        "ENDSEC;\n"
    )


# Instances #1-#39: project, units, context, shared placement and the two good elements.
GOOD = """#1=IFCPROJECT('0CorpusProject00000000',$,'Corpus',$,$,$,$,(#4),#2);
#2=IFCUNITASSIGNMENT((#3));
#3=IFCSIUNIT(*,.LENGTHUNIT.,.MILLI.,.METRE.);
#4=IFCGEOMETRICREPRESENTATIONCONTEXT($,'Model',3,1.E-05,#11,$);
#10=IFCCARTESIANPOINT((0.,0.,0.));
#11=IFCAXIS2PLACEMENT3D(#10,$,$);
#12=IFCLOCALPLACEMENT($,#11);
#13=IFCDIRECTION((0.,0.,1.));
#20=IFCRECTANGLEPROFILEDEF(.AREA.,$,$,4000.,200.);
#21=IFCEXTRUDEDAREASOLID(#20,#11,#13,3000.);
#22=IFCSHAPEREPRESENTATION(#4,'Body','SweptSolid',(#21));
#23=IFCPRODUCTDEFINITIONSHAPE($,$,(#22));
#24=IFCWALL('""" + GOOD_WALL + """',$,'good wall',$,$,#12,#23,$,.STANDARD.);
#30=IFCCARTESIANPOINT((0.,0.,-1000.));
#31=IFCAXIS2PLACEMENT3D(#30,$,$);
#32=IFCLOCALPLACEMENT($,#31);
#33=IFCRECTANGLEPROFILEDEF(.AREA.,$,$,5000.,5000.);
#34=IFCEXTRUDEDAREASOLID(#33,#11,#13,250.);
#35=IFCSHAPEREPRESENTATION(#4,'Body','SweptSolid',(#34));
#36=IFCPRODUCTDEFINITIONSHAPE($,$,(#35));
#37=IFCSLAB('""" + GOOD_SLAB + """',$,'good slab',$,$,#32,#36,$,.FLOOR.);
"""

END = "ENDSEC;\nEND-ISO-10303-21;\n"


def ifc(name, damage, before=""):
    """A whole file: the good elements (after `before`), then `damage`."""
    return header(name) + "DATA;\n" + before + GOOD + damage + END


def wall(id_, guid, name, placement, shape):
    return f"#{id_}=IFCWALL('{guid}',$,'{name}',$,$,{placement},{shape},$,$);\n"


def box_wall(first, guid, name, profile="IFCRECTANGLEPROFILEDEF(.AREA.,$,$,1000.,200.)", depth="3000.",
             placement="#12", direction="#13"):
    """A wall #first+4 whose body is `profile` (#first) extruded `depth` (#first+1)."""
    i = first
    return (
        f"#{i}={profile};\n"
        f"#{i + 1}=IFCEXTRUDEDAREASOLID(#{i},#11,{direction},{depth});\n"
        f"#{i + 2}=IFCSHAPEREPRESENTATION(#4,'Body','SweptSolid',(#{i + 1}));\n"
        f"#{i + 3}=IFCPRODUCTDEFINITIONSHAPE($,$,(#{i + 2}));\n" + wall(i + 4, guid, name, placement, f"#{i + 3}")
    )


def guid(tag):
    g = ("0Bad" + tag + "0" * 22)[:22]
    assert all(c.isalnum() or c in "_$" for c in g), g
    return g


def files():
    out = {}

    # --- whole-file damage -------------------------------------------------------------------------------------
    out["empty.ifc"] = b""
    out["header_only.ifc"] = header("header_only.ifc")
    out["no_data_section.ifc"] = header("no_data_section.ifc") + GOOD + END
    out["empty_data_section.ifc"] = header("empty_data_section.ifc") + "DATA;\n" + END
    rnd = random.Random(21)
    out["binary_garbage.ifc"] = bytes(rnd.randrange(256) for _ in range(4096))
    out["not_ifc_schema.ifc"] = header("not_ifc_schema.ifc", "AP214_AUTOMOTIVE_DESIGN") + "DATA;\n" + GOOD + END

    # --- structure of the exchange file -------------------------------------------------------------------------
    whole = ifc("truncated.ifc", box_wall(100, guid("Truncated"), "cut wall"))
    out["truncated.ifc"] = whole[: whole.index("#104=IFCWALL(") + 30]
    out["missing_endsec.ifc"] = ifc("missing_endsec.ifc", "").replace("ENDSEC;\nEND-ISO", "END-ISO")
    out["missing_end_iso.ifc"] = ifc("missing_end_iso.ifc", "").replace("END-ISO-10303-21;\n", "")
    # #24 again, as another wall: the first one is kept.
    out["duplicate_ids.ifc"] = ifc(
        "duplicate_ids.ifc", "#24=IFCWALL('" + guid("Duplicate") + "',$,'second #24',$,$,#12,#23,$,$);\n")
    # A string that never closes, in the middle of the file: the instances after it must still be found.
    out["unterminated_string.ifc"] = header("unterminated_string.ifc") + "DATA;\n" + GOOD.replace(
        "#24=IFCWALL('" + GOOD_WALL + "',$,'good wall',",
        "#24=IFCWALL('" + GOOD_WALL + "',$,'good wall',$,$,#12,#23,$,.STANDARD.);\n"
        "#25=IFCWALL('" + guid("Unterminated") + "',$,'never closed,") + END
    # Random bytes (no newlines) between instances.
    garbage = bytes(b for b in (rnd.randrange(256) for _ in range(3000)) if b not in (10, 13))
    out["garbage_in_data.ifc"] = (header("garbage_in_data.ifc") + "DATA;\n" + GOOD[: GOOD.index("#30=")]).encode(
        "latin-1") + garbage + b"\n" + (GOOD[GOOD.index("#30="):] + END).encode("latin-1")
    # 100000 nested parentheses, closed (#100) and never closed (#110).
    deep = "(" * 100000 + ")" * 100000
    out["deep_nesting.ifc"] = ifc(
        "deep_nesting.ifc",
        f"#100=IFCCARTESIANPOINTLIST3D({deep});\n"
        "#101=IFCTRIANGULATEDFACESET(#100,$,$,((1,2,3)),$);\n"
        "#102=IFCSHAPEREPRESENTATION(#4,'Body','Tessellation',(#101));\n"
        "#103=IFCPRODUCTDEFINITIONSHAPE($,$,(#102));\n" + wall(104, guid("DeepList"), "deep list", "#12", "#103") +
        "#110=IFCCARTESIANPOINT(" + "(" * 100000 + ");\n"
        "#111=IFCPOLYLINE((#110,#110));\n")

    # --- references --------------------------------------------------------------------------------------------
    out["dangling_ref.ifc"] = ifc(
        "dangling_ref.ifc",
        # a profile that does not exist
        "#100=IFCEXTRUDEDAREASOLID(#999,#11,#13,3000.);\n"
        "#101=IFCSHAPEREPRESENTATION(#4,'Body','SweptSolid',(#100));\n"
        "#102=IFCPRODUCTDEFINITIONSHAPE($,$,(#101));\n" + wall(103, guid("DanglingProfile"), "no profile", "#12", "#102") +
        # a product definition shape that does not exist
        wall(110, guid("DanglingShape"), "no shape", "#12", "#998") +
        # a placement that does not exist: the body still shows, at the origin
        wall(120, guid("DanglingPlacement"), "no placement", "#997", "#23"))
    out["cyclic_placement.ifc"] = ifc(
        "cyclic_placement.ifc",
        "#100=IFCLOCALPLACEMENT(#101,#11);\n#101=IFCLOCALPLACEMENT(#100,#11);\n" +
        wall(102, guid("CyclicPlacement"), "cyclic", "#100", "#23"))
    out["self_reference.ifc"] = ifc(
        "self_reference.ifc",
        # a placement relative to itself
        "#100=IFCLOCALPLACEMENT(#100,#11);\n" + wall(101, guid("SelfRelative"), "self relative", "#100", "#23") +
        # a placement whose relative placement is itself
        "#110=IFCLOCALPLACEMENT($,#110);\n" + wall(111, guid("SelfAxis"), "self axis", "#110", "#23") +
        # a wall that is its own placement
        wall(120, guid("OwnPlacement"), "own placement", "#120", "#23") +
        # a boolean result that is its own first operand
        "#130=IFCBOOLEANRESULT(.DIFFERENCE.,#130,#21);\n"
        "#131=IFCSHAPEREPRESENTATION(#4,'Body','CSG',(#130));\n"
        "#132=IFCPRODUCTDEFINITIONSHAPE($,$,(#131));\n" + wall(133, guid("SelfBoolean"), "self boolean", "#12", "#132") +
        # a mapped item whose representation holds the same mapped item
        "#140=IFCMAPPEDITEM(#141,#143);\n"
        "#141=IFCREPRESENTATIONMAP(#11,#142);\n"
        "#142=IFCSHAPEREPRESENTATION(#4,'Body','MappedRepresentation',(#140));\n"
        "#143=IFCCARTESIANTRANSFORMATIONOPERATOR3D($,$,#10,$,$);\n"
        "#144=IFCPRODUCTDEFINITIONSHAPE($,$,(#142));\n" + wall(145, guid("SelfMapped"), "self mapped", "#12", "#144"))
    out["wrong_reference_type.ifc"] = ifc(
        "wrong_reference_type.ifc",
        # Representation is a point, ObjectPlacement a direction, SweptArea a wall.
        wall(100, guid("ShapeIsPoint"), "shape is a point", "#12", "#10") +
        wall(110, guid("PlacementIsDir"), "placement is a direction", "#13", "#23") +
        "#120=IFCEXTRUDEDAREASOLID(#24,#11,#13,3000.);\n"
        "#121=IFCSHAPEREPRESENTATION(#4,'Body','SweptSolid',(#120));\n"
        "#122=IFCPRODUCTDEFINITIONSHAPE($,$,(#121));\n" + wall(123, guid("ProfileIsWall"), "profile is a wall", "#12", "#122"))

    # --- instances that do not fit the schema --------------------------------------------------------------------
    out["unknown_entity.ifc"] = ifc(
        "unknown_entity.ifc",
        "#100=IFCFROBNICATEDSOLID(#20,3000.);\n"
        "#101=IFCSHAPEREPRESENTATION(#4,'Body','SweptSolid',(#100));\n"
        "#102=IFCPRODUCTDEFINITIONSHAPE($,$,(#101));\n" + wall(103, guid("UnknownItem"), "unknown item", "#12", "#102") +
        f"#110=IFCWALLOFWONDER('{guid('UnknownProduct')}',$,'x',$,$,#12,#23,$,$);\n")
    out["wrong_attribute_count.ifc"] = ifc(
        "wrong_attribute_count.ifc",
        # a wall with 7 of its 9 attributes, one with 11
        f"#100=IFCWALL('{guid('TooFew')}',$,'too few',$,$,#12,#23);\n"
        f"#101=IFCWALL('{guid('TooMany')}',$,'too many',$,$,#12,#23,$,$,$,$);\n"
        # an extrusion without its Depth
        "#110=IFCEXTRUDEDAREASOLID(#20,#11,#13);\n"
        "#111=IFCSHAPEREPRESENTATION(#4,'Body','SweptSolid',(#110));\n"
        "#112=IFCPRODUCTDEFINITIONSHAPE($,$,(#111));\n" + wall(113, guid("NoDepth"), "no depth", "#12", "#112"))
    out["bad_string_escape.ifc"] = ifc(
        "bad_string_escape.ifc",
        # odd-length \\X2\\, unknown \\Q\\ and a bad \\X\\ hex digit: the walls load, their names are reported.
        wall(100, guid("OddX2"), "odd \\X2\\00E\\X0\\ length", "#12", "#23") +
        wall(101, guid("UnknownEscape"), "unknown \\Q\\ escape", "#12", "#23") +
        wall(102, guid("BadHex"), "bad \\X\\G1 hex", "#12", "#23"))

    # --- numbers -------------------------------------------------------------------------------------------------
    out["nan_coordinates.ifc"] = ifc(
        "nan_coordinates.ifc",
        # NaN is no STEP token: the point cannot be decoded; the wall is placed at its parent's origin.
        "#100=IFCCARTESIANPOINT((0.,NaN,0.));\n#101=IFCAXIS2PLACEMENT3D(#100,$,$);\n#102=IFCLOCALPLACEMENT($,#101);\n" +
        wall(103, guid("NanPlacement"), "nan placement", "#102", "#23") +
        # a NaN in a profile's polyline
        "#110=IFCCARTESIANPOINT((0.,0.));\n#111=IFCCARTESIANPOINT((1000.,NAN));\n#112=IFCCARTESIANPOINT((0.,1000.));\n"
        "#113=IFCPOLYLINE((#110,#111,#112,#110));\n" +
        box_wall(114, guid("NanProfile"), "nan profile", "IFCARBITRARYCLOSEDPROFILEDEF(.AREA.,$,#113)"))
    out["huge_coordinates.ifc"] = ifc(
        "huge_coordinates.ifc",
        "#100=IFCCARTESIANPOINT((0.,1.E308,0.));\n#101=IFCAXIS2PLACEMENT3D(#100,$,$);\n#102=IFCLOCALPLACEMENT($,#101);\n" +
        wall(103, guid("HugePlacement"), "huge placement", "#102", "#23") +
        box_wall(110, guid("HugeProfile"), "huge profile", "IFCRECTANGLEPROFILEDEF(.AREA.,$,$,1.E308,200.)") +
        box_wall(120, guid("HugeDepth"), "huge depth", depth="1.E308") +
        "#130=IFCDIRECTION((1.E308,1.E308,1.E308));\n" +
        box_wall(131, guid("HugeDirection"), "huge direction", direction="#130"))
    out["inf_coordinates.ifc"] = ifc(
        "inf_coordinates.ifc",
        # 1.E999 overflows a double: infinity.
        "#100=IFCCARTESIANPOINT((1.E999,0.,0.));\n#101=IFCAXIS2PLACEMENT3D(#100,$,$);\n#102=IFCLOCALPLACEMENT($,#101);\n" +
        wall(103, guid("InfPlacement"), "inf placement", "#102", "#23") +
        box_wall(110, guid("InfProfile"), "inf profile", "IFCRECTANGLEPROFILEDEF(.AREA.,$,$,-1.E999,200.)") +
        box_wall(120, guid("InfDepth"), "inf depth", depth="1.E999"))

    # --- geometry that is well-formed STEP but no solid ---------------------------------------------------------------
    out["zero_length_extrusion.ifc"] = ifc(
        "zero_length_extrusion.ifc",
        box_wall(100, guid("ZeroDepth"), "zero depth", depth="0.") +
        box_wall(110, guid("NegativeDepth"), "negative depth", depth="-3000.") +
        "#120=IFCDIRECTION((0.,0.,0.));\n" +
        box_wall(121, guid("ZeroDirection"), "zero direction", direction="#120"))
    out["one_point_polyline.ifc"] = ifc(
        "one_point_polyline.ifc",
        "#100=IFCPOLYLINE((#10));\n" +
        box_wall(101, guid("OnePointProfile"), "one point profile", "IFCARBITRARYCLOSEDPROFILEDEF(.AREA.,$,#100)") +
        "#110=IFCSWEPTDISKSOLID(#100,100.,$,$,$);\n"
        "#111=IFCSHAPEREPRESENTATION(#4,'Body','AdvancedSweptSolid',(#110));\n"
        "#112=IFCPRODUCTDEFINITIONSHAPE($,$,(#111));\n" + wall(113, guid("OnePointSweep"), "one point sweep", "#12", "#112"))
    out["bad_profile_dimensions.ifc"] = ifc(
        "bad_profile_dimensions.ifc",
        box_wall(100, guid("NegativeXDim"), "negative XDim", "IFCRECTANGLEPROFILEDEF(.AREA.,$,$,-1000.,200.)") +
        box_wall(110, guid("ZeroYDim"), "zero YDim", "IFCRECTANGLEPROFILEDEF(.AREA.,$,$,1000.,0.)") +
        box_wall(120, guid("NegativeRadius"), "negative radius", "IFCCIRCLEPROFILEDEF(.AREA.,$,$,-300.)") +
        box_wall(130, guid("ThickHollow"), "wall thicker than tube",
                 "IFCCIRCLEHOLLOWPROFILEDEF(.AREA.,$,$,300.,400.)"))
    return out


def main():
    check = "--check" in sys.argv[1:]
    bad = 0
    for name, content in files().items():
        data = content if isinstance(content, bytes) else content.encode("latin-1")
        path = os.path.join(HERE, name)
        if check:
            try:
                with open(path, "rb") as f:
                    same = f.read() == data
            except OSError:
                same = False
            if not same:
                print(f"{name} differs from what make_corpus.py makes", file=sys.stderr)
                bad += 1
        else:
            with open(path, "wb") as f:
                f.write(data)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
