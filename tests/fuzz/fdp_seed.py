#!/usr/bin/env python3
"""Writes a seed for a FuzzedDataProvider target from readable values.

FuzzedDataProvider reads strings (ConsumeRandomLengthString) from the front of
the input and integers and booleans from the back. This encodes a list of
values, in the order the target consumes them, into one input file:

  fdp_seed.py OUT s:TEXT i:MIN:MAX:VALUE b:0|1 ...

  s:TEXT           a string (Python escapes allowed, e.g. s:a\\x00b)
  i:MIN:MAX:VALUE  ConsumeIntegralInRange(MIN, MAX) returning VALUE
  i32:VALUE        ConsumeIntegral<int32_t>()
  b:0 / b:1        ConsumeBool()

See README.md for each target's order of values.
"""
import sys


def int_bytes(lo, hi, value):
    span, v = hi - lo, value - lo
    assert 0 <= v <= span, (lo, hi, value)
    n = 0
    while n < 8 and (span >> (8 * n)) > 0:
        n += 1
    # The first byte consumed is the most significant of the n bytes.
    return [(v >> (8 * (n - 1 - k))) & 0xFF for k in range(n)]


def main():
    out, specs = sys.argv[1], sys.argv[2:]
    front, back = bytearray(), []
    for spec in specs:
        kind, _, rest = spec.partition(":")
        if kind == "s":
            text = rest.encode("latin-1", "backslashreplace").decode("unicode_escape")
            raw = text.encode("latin-1") if all(ord(c) < 256 for c in text) else text.encode()
            front += raw.replace(b"\\", b"\\\\") + b"\\|"
        elif kind == "i":
            lo, hi, value = (int(x) for x in rest.split(":"))
            back += int_bytes(lo, hi, value)
        elif kind == "i32":
            back += int_bytes(-(2**31), 2**31 - 1, int(rest))
        elif kind == "b":
            back += [int(rest) & 1]
        else:
            sys.exit(f"unknown value kind in {spec!r}")
    with open(out, "wb") as f:
        f.write(bytes(front) + bytes(reversed(back)))


if __name__ == "__main__":
    main()
