#!/usr/bin/env python3
"""Writes the bad-input corpus: small files, each broken in one way, in a folder per kind.

Run from anywhere: `python3 tests/bad-inputs/make.py`. The files are committed; this script
is how they were made (and how to remake one after changing a base). Each case's expected
error is in `<case>.expect` beside it, written by hand after reading what the reader says
(see README.md). The few cases too big to commit (a million segments, 10,000 duplicate ids)
are made by `tests/bad_inputs.rs` itself at run time.
"""

import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def put(kind, name, data):
    folder = os.path.join(HERE, kind)
    os.makedirs(os.path.dirname(os.path.join(folder, name)), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# --- library (TOML) -------------------------------------------------------------------

BASE = """format = "hologlyph-library"
version = 1
title = "Bad inputs"
axes = ["energy", "threshold"]

[[concept]]
name = "heat"
gloss = "warmth that drives change"
vector = { energy = 1.0 }

[[symbol]]
id = "tri"
glyph = { char = "⟁" }
name = "Triangle"
gloss = "a triangle with a gap"
lineage = "topological"
components = { heat = 1.0 }
tags = ["seed", "triangle"]
scenes = ["Δ1"]

[[scene]]
id = "Δ1"
title = "A door"
text = \"\"\"A door opens
onto a dark room.\"\"\"
components = { heat = 0.5 }

[[tour]]
id = "t"
title = "A tour"

[[tour.step]]
symbol = "tri"
caption = "The triangle"
seconds = 5
"""


def library():
    put("library", "base-ok.toml", BASE)
    # Truncated at several cut points: inside a string, a header, an inline table, the
    # multi-line string, and mid-way through a UTF-8 character.
    for name, marker, keep in [
        ("truncated-in-string", 'gloss = "a triangle', None),
        ("truncated-in-header", "[[sce", None),
        ("truncated-in-inline-table", "components = { heat = 1.0", None),
        ("truncated-in-multiline-string", "onto a dark", None),
    ]:
        cut = BASE.index(marker) + len(marker)
        put("library", name + ".toml", BASE[:cut])
    raw = BASE.encode("utf-8")
    cut = raw.index("Δ".encode("utf-8")) + 1
    put("library", "truncated-in-utf8-character.toml", raw[:cut])
    put("library", "invalid-utf8.toml", raw.replace(b"warmth", b"warm\xff\xfeth"))
    put("library", "bom-ok.toml", b"\xef\xbb\xbf" + raw)
    put("library", "crlf-ok.toml", raw.replace(b"\n", b"\r\n"))
    put("library", "wrong-magic-png.toml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(16))
    put("library", "empty.toml", b"")
    put("library", "nan-concept-vector.toml", BASE.replace("energy = 1.0 }", "energy = nan }"))
    put("library", "inf-component.toml", BASE.replace("heat = 0.5", "heat = inf"))
    put("library", "huge-component.toml", BASE.replace("heat = 0.5", "heat = 1e39"))
    put("library", "nan-seconds.toml", BASE.replace("seconds = 5", "seconds = nan"))
    put("library", "inf-seconds.toml", BASE.replace("seconds = 5", "seconds = -inf"))
    put("library", "huge-seconds.toml", BASE.replace("seconds = 5", "seconds = 1e300"))
    put(
        "library",
        "nan-region-anchor.toml",
        BASE.replace(
            'scenes = ["Δ1"]\n',
            'scenes = ["Δ1"]\n\n[[symbol.region]]\nid = "gap"\nat = [nan, 0.1]\nscenes = ["Δ1"]\n',
        ),
    )
    put(
        "library",
        "strokes-beyond-f32.toml",
        BASE.replace('glyph = { char = "⟁" }', 'glyph = { strokes = [[[0, 0], [1e39, 0]]], width = 0.1 }'),
    )
    put(
        "library",
        "path-nan.toml",
        BASE.replace('glyph = { char = "⟁" }', 'glyph = { path = "M 0 0 L nan 1 L 1 0 Z" }'),
    )
    deep = "x = " + "{ a = " * 2000 + "1" + " }" * 2000 + "\n"
    put("library", "deep-inline-tables.toml", BASE + "\n[extra]\n" + deep)
    deep_arrays = "x = " + "[" * 2000 + "1" + "]" * 2000 + "\n"
    put("library", "deep-arrays.toml", deep_arrays + BASE)
    put("library", "duplicate-symbol-id.toml", BASE + BASE[BASE.index("[[symbol]]"):BASE.index("[[scene]]")])
    put("library", "id-not-a-string.toml", BASE.replace('id = "tri"', "id = 5"))
    put("library", "unknown-lineage.toml", BASE.replace('"topological"', '"cubist"'))
    put("library", "duplicate-key.toml", BASE.replace('name = "Triangle"', 'name = "Triangle"\nname = "Again"'))


# --- SVG -------------------------------------------------------------------------------

SVG_BASE = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
  <path d="M 10 90 L 50 10 L 90 90 Z"/>
</svg>
"""


def svg():
    put("svg", "base-ok.svg", SVG_BASE)
    put("svg", "truncated-in-tag.svg", SVG_BASE[: SVG_BASE.index("L 50")])
    put("svg", "truncated-after-root.svg", SVG_BASE[: SVG_BASE.index("<path")])
    put("svg", "not-xml.svg", b"\x00\x01\x02GIF89a" + bytes(20))
    put("svg", "invalid-utf8.svg", SVG_BASE.encode().replace(b"path", b"pa\xffth", 1))
    put(
        "svg",
        "use-cycle.svg",
        """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100">
  <g id="a"><use xlink:href="#b"/></g>
  <g id="b"><use xlink:href="#a"/></g>
</svg>
""",
    )
    put(
        "svg",
        "use-self-ok.svg",
        """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100">
  <g id="a"><path d="M 10 90 L 50 10 L 90 90 Z"/><use xlink:href="#a"/></g>
</svg>
""",
    )
    put("svg", "huge-viewbox-ok.svg", SVG_BASE.replace("0 0 100 100", "0 0 1e30 1e30").replace(
        "M 10 90 L 50 10 L 90 90 Z", "M 1e29 9e29 L 5e29 1e29 L 9e29 9e29 Z"))
    put("svg", "huge-viewbox-small-shape.svg", SVG_BASE.replace("0 0 100 100", "0 0 1e30 1e30"))
    put("svg", "coordinates-1e30.svg", SVG_BASE.replace("L 50 10", "L 1e30 10"))
    put("svg", "coordinates-1e39.svg", SVG_BASE.replace("L 50 10", "L 1e39 10"))
    put("svg", "nan-in-path.svg", SVG_BASE.replace("L 50 10", "L NaN 10"))
    put("svg", "zero-area.svg", SVG_BASE.replace("M 10 90 L 50 10 L 90 90 Z", "M 10 10 L 90 10 Z"))
    put("svg", "self-intersecting-ok.svg", SVG_BASE.replace(
        "M 10 90 L 50 10 L 90 90 Z", "M 10 10 L 90 90 L 90 10 L 10 90 Z"))
    put("svg", "no-shapes.svg", '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>\n')
    put(
        "svg",
        "entity-expansion.svg",
        """<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><title>&f;</title>
  <path d="M 10 90 L 50 10 L 90 90 Z"/>
</svg>
""",
    )
    put("svg", "unclosed-path-data.svg", SVG_BASE.replace("L 90 90 Z", "L 90 90 Q"))


# --- bare path data --------------------------------------------------------------------


def path():
    put("path", "base-ok.txt", "M 0 0 L 1 0 L 0.5 1 Z")
    put("path", "coordinates-1e30.txt", "M 0 0 L 1e30 0 L 0.5 1 Z")
    put("path", "coordinates-1e39.txt", "M 0 0 L 1e39 0 L 0.5 1 Z")
    put("path", "nan.txt", "M 0 0 L NaN 0 L 0.5 1 Z")
    put("path", "infinity.txt", "M 0 0 L 1e999 0 L 0.5 1 Z")
    put("path", "truncated.txt", "M 0 0 L 1 0 L 0.5")
    put("path", "garbage.txt", "hello world")
    put("path", "empty.txt", "")
    put("path", "zero-area.txt", "M 0 0 L 1 0 L 2 0 Z")
    put("path", "tiny.txt", "M 0 0 L 1e-9 0 L 0.5e-9 1e-9 Z")


# --- fonts -----------------------------------------------------------------------------


def font():
    src = open(os.path.join(ROOT, "assets", "fonts", "NotoSansSymbols-Regular.ttf"), "rb").read()
    put("font", "truncated-in-directory.ttf", src[:20])
    put("font", "truncated-in-tables.ttf", src[: len(src) // 3])
    put("font", "truncated-at-12.ttf", src[:12])
    put("font", "wrong-magic.ttf", b"wOFF" + src[4:4096])
    put("font", "text-file.ttf", "this is not a font\n")
    put("font", "empty.ttf", b"")
    # The table directory: numTables at 4, records of 16 bytes from 12 (tag, sum, offset, len).
    num = struct.unpack(">H", src[4:6])[0]
    tables = {}
    for i in range(num):
        rec = 12 + 16 * i
        tag = src[rec:rec + 4].decode("latin-1")
        tables[tag] = rec
    broken = bytearray(src)
    rec = tables["cmap"]
    struct.pack_into(">I", broken, rec + 8, len(src) + 1000)  # cmap offset past the end
    put("font", "cmap-beyond-end.ttf", bytes(broken))
    broken = bytearray(src)
    rec = tables["head"]
    struct.pack_into(">I", broken, rec + 12, 4)  # head table too short
    put("font", "head-too-short.ttf", bytes(broken))
    broken = bytearray(src)
    off = struct.unpack(">I", src[tables["head"] + 8: tables["head"] + 12])[0]
    struct.pack_into(">H", broken, off + 18, 0)  # unitsPerEm = 0
    put("font", "units-per-em-zero.ttf", bytes(broken))
    broken = bytearray(src)
    off = struct.unpack(">I", src[tables["glyf"] + 8: tables["glyf"] + 12])[0] if "glyf" in tables else None
    if off is not None:
        length = struct.unpack(">I", src[tables["glyf"] + 12: tables["glyf"] + 16])[0]
        broken[off: off + length] = bytes([0xFF]) * length  # every glyph's data garbage
        put("font", "glyf-garbage.ttf", bytes(broken))
    # A font that does not have the character asked for (a CJK ideograph in a symbols
    # font); a `U+XXXX` in a case's name is the character asked for, else it is 'A'.
    put("font", "lacks-character-U+4E00.ttf", src)


# --- safetensors -----------------------------------------------------------------------


def st(header, data=b"", length=None):
    text = json.dumps(header, separators=(",", ":")).encode()
    n = len(text) if length is None else length
    return struct.pack("<Q", n) + text + data


def safetensors():
    ok = {"w": {"dtype": "F16", "shape": [2, 2], "data_offsets": [0, 8]},
          "__metadata__": {"ss_network_dim": "4"}}
    good = st(ok, bytes(8))
    put("safetensors", "base-ok.safetensors", good)
    put("safetensors", "truncated-in-length.safetensors", good[:5])
    put("safetensors", "truncated-in-header.safetensors", good[:30])
    put("safetensors", "truncated-in-data.safetensors", good[:-3])
    put("safetensors", "header-1gb.safetensors", struct.pack("<Q", 1 << 30) + b"{}")
    put("safetensors", "header-beyond-file.safetensors", struct.pack("<Q", 5000) + b'{"a":')
    put("safetensors", "wrong-magic-zip.safetensors", b"PK\x03\x04" + bytes(60))
    put("safetensors", "empty.safetensors", b"")
    two = lambda a, b: st({"a": {"dtype": "F32", "shape": [2], "data_offsets": a},
                          "b": {"dtype": "F32", "shape": [2], "data_offsets": b}}, bytes(16))
    put("safetensors", "overlapping-offsets.safetensors", two([0, 8], [4, 12]))
    put("safetensors", "gap-between-tensors.safetensors", two([0, 8], [12, 20]))
    put("safetensors", "reversed-offsets.safetensors",
        st({"a": {"dtype": "U8", "shape": [0], "data_offsets": [4, 0]}}, bytes(4)))
    put("safetensors", "unknown-dtype.safetensors",
        st({"a": {"dtype": "Q4", "shape": [2], "data_offsets": [0, 2]}}, bytes(2)))
    put("safetensors", "shape-overflows.safetensors",
        st({"a": {"dtype": "F64", "shape": [4294967296, 4294967296], "data_offsets": [0, 8]}}, bytes(8)))
    put("safetensors", "shape-disagrees-with-offsets.safetensors",
        st({"a": {"dtype": "F16", "shape": [3], "data_offsets": [0, 8]}}, bytes(8)))
    put("safetensors", "data-not-covered.safetensors",
        st({"a": {"dtype": "F16", "shape": [3], "data_offsets": [0, 6]}}, bytes(10)))
    dup = b'{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}'
    put("safetensors", "duplicate-tensor-name.safetensors", struct.pack("<Q", len(dup)) + dup + bytes(1))
    meta = b'{"__metadata__":{"ss_network_dim":"4","ss_network_dim":"8"},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}'
    put("safetensors", "duplicate-metadata-key.safetensors", struct.pack("<Q", len(meta)) + meta + bytes(1))
    put("safetensors", "metadata-not-strings.safetensors",
        st({"__metadata__": {"ss_network_dim": 16}}))
    put("safetensors", "header-not-utf8.safetensors", struct.pack("<Q", 4) + b'{"\xff}')
    put("safetensors", "header-not-object.safetensors", st([1, 2, 3]))
    put("safetensors", "negative-offset.safetensors",
        st({"a": {"dtype": "U8", "shape": [1], "data_offsets": [-1, 0]}}, bytes(1)))


# --- PEFT folders ----------------------------------------------------------------------


def peft():
    weights = st({"base_model.model.q_proj.lora_A.weight": {"dtype": "F16", "shape": [4, 8], "data_offsets": [0, 64]}},
                 bytes(64))
    config = {"peft_type": "LORA", "r": 4, "lora_alpha": 8, "target_modules": ["q_proj"]}
    put("peft", "no-weights/adapter_config.json", json.dumps(config))
    put("peft", "bad-json/adapter_config.json", '{\n  "peft_type": "LORA",\n  "r": 4,\n  oops\n}\n')
    put("peft", "bad-json/adapter_model.safetensors", weights)
    put("peft", "not-an-object/adapter_config.json", "[1, 2, 3]\n")
    put("peft", "not-an-object/adapter_model.safetensors", weights)
    put("peft", "negative-rank/adapter_config.json", json.dumps(dict(config, r=-4)))
    put("peft", "negative-rank/adapter_model.safetensors", weights)
    put("peft", "nan-alpha/adapter_config.json", json.dumps(config).replace('"lora_alpha": 8', '"lora_alpha": NaN'))
    put("peft", "nan-alpha/adapter_model.safetensors", weights)
    put("peft", "duplicate-key/adapter_config.json",
        '{"peft_type": "LORA", "r": 4, "r": 16, "lora_alpha": 8}\n')
    put("peft", "duplicate-key/adapter_model.safetensors", weights)
    put("peft", "broken-weights/adapter_config.json", json.dumps(config))
    put("peft", "broken-weights/adapter_model.safetensors", weights[:40])


# --- .npy embeddings -------------------------------------------------------------------


def npy_file(descr, shape, data, fortran=False):
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        descr, "True" if fortran else "False", repr(tuple(shape)))
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin-1") + data


def npy():
    good = npy_file("<f4", (2, 3), struct.pack("<6f", 1, 0, 0, 0, 1, 0))
    put("npy", "base-ok.npy", good)
    put("npy", "wrong-magic.npy", b"\x93NUMPX" + good[6:])
    put("npy", "truncated-header.npy", good[:30])
    put("npy", "truncated-data.npy", good[:-5])
    put("npy", "three-dimensional.npy", npy_file("<f4", (1, 2, 3), bytes(24)))
    put("npy", "integers.npy", npy_file("<i4", (2, 3), bytes(24)))
    put("npy", "nan-value.npy", npy_file("<f4", (2, 3), struct.pack("<6f", 1, 0, float("nan"), 0, 1, 0)))
    put("npy", "huge-shape.npy", npy_file("<f4", (1 << 40, 1 << 20), bytes(24)))
    put("npy", "empty.npy", b"")
    put("npy", "ids.txt", "tri\nsquare\n")


if __name__ == "__main__":
    library()
    svg()
    path()
    font()
    safetensors()
    peft()
    npy()
