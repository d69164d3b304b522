#!/usr/bin/env python3
"""Rebuild NotoSansCJKsc-Subset.otf from Debian's fonts-noto-cjk.

    apt-get install fonts-noto-cjk && pip install fonttools
    python3 assets/fonts/subset.py

Characters kept: printable ASCII and Latin-1, general punctuation, CJK symbols and punctuation,
full-width forms, every character of GB2312, every character of Big5 (symbols and level-1 Han,
the 5401 common Traditional characters), and every character in seeds/*.txt.
"""

import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FACE = 2  # Noto Sans CJK SC in the collection
OUT = os.path.join(HERE, "NotoSansCJKsc-Subset.otf")


def two_byte(codec, lead, trail):
    chars = set()
    for a in lead:
        for b in trail:
            try:
                chars.update(bytes([a, b]).decode(codec))
            except UnicodeDecodeError:
                pass
    return chars


def charset():
    chars = set(map(chr, range(0x20, 0x7F)))
    chars |= set(map(chr, range(0xA0, 0x100)))
    chars |= set(map(chr, range(0x2000, 0x2070)))  # general punctuation
    chars |= set(map(chr, range(0x2190, 0x2200)))  # arrows
    chars |= set(map(chr, range(0x2460, 0x24FF)))  # ①…
    chars |= set(map(chr, range(0x2500, 0x25A0)))  # box drawing
    chars |= set(map(chr, range(0x25A0, 0x2600)))  # geometric shapes
    chars |= set(map(chr, range(0x3000, 0x3040)))  # CJK symbols and punctuation
    chars |= set(map(chr, range(0xFF00, 0xFFF0)))  # full-width forms
    chars |= two_byte("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))
    big5_trail = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    chars |= two_byte("big5", range(0xA1, 0xA4), big5_trail)  # symbols
    chars |= two_byte("big5", range(0xA4, 0xC7), big5_trail)  # level-1 Han
    for path in glob.glob(os.path.join(ROOT, "seeds", "*.txt")):
        with open(path, encoding="utf-8", errors="ignore") as f:
            chars |= set(f.read())
    return sorted(c for c in chars if c.isprintable() or c == "\u3000")


def main():
    chars = charset()
    unicodes = ",".join(f"U+{ord(c):04X}" for c in chars)
    subprocess.run(
        [
            "pyftsubset",
            SOURCE,
            f"--font-number={FACE}",
            f"--unicodes={unicodes}",
            "--no-hinting",
            "--layout-features=*",
            "--name-IDs=*",
            "--notdef-outline",
            f"--output-file={OUT}",
        ],
        check=True,
    )
    print(f"{len(chars)} characters requested, {os.path.getsize(OUT)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
