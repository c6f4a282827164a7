#!/usr/bin/env python3
"""Turns a text file into a C++ raw string literal, for text the compiler embeds."""
import sys

src, dst = sys.argv[1], sys.argv[2]
text = open(src, encoding="utf-8").read()
delim = "BPF2ARM_EMBED"
assert ")" + delim not in text
with open(dst, "w", encoding="utf-8") as out:
    out.write('R"' + delim + "(" + text + ")" + delim + '"\n')
