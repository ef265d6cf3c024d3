#!/usr/bin/env python3
"""What a chat participant prints of the lines on stdin: the oracle of the
control-character stripping (chat/text.h), written with Python's own UTF-8
decoder: C0 controls, DEL and C1 controls removed, each byte that is not
part of well-formed UTF-8 printed as '?'."""
import sys

for line in sys.stdin.buffer.read().split(b"\n")[:-1]:
    text = line.decode("utf-8", "surrogateescape")
    out = "".join("?" if 0xdc80 <= ord(c) <= 0xdcff else
                  "" if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f else c
                  for c in text)
    sys.stdout.buffer.write(out.encode("utf-8", "surrogateescape") + b"\n")
