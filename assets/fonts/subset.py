#!/usr/bin/env python3
"""Rebuild NotoSansCJKsc-Subset.otf from Debian's fonts-noto-cjk.

    apt-get install fonts-noto-cjk && pip install fonttools
    python3 assets/fonts/subset.py

Characters kept: printable ASCII and Latin-1, general punctuation, CJK symbols and punctuation,
full-width forms; GB 18030 implementation levels 1 and 2: every character of its one- and two-byte
region (all of GBK: the 20,902 CJK Unified Ideographs of GB 13000 and GB2312's symbols), CJK
Extension A, and the supplementary-plane ideographs the font has (they include the 通用规范汉字表
characters of level 2); every character of Big5 (symbols, level-1 and level-2 Han); and every
character of seeds/*.txt and of ../shared/corpus-real/ (when present).
"""

import glob
import os
import re
import subprocess
import sys
import zipfile

from fontTools.ttLib import TTCollection

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
    # GB 18030 two-byte region (= GBK + the 2005/2022 additions mapped there).
    gb_trail = [b for b in range(0x40, 0xFF) if b != 0x7F]
    chars |= two_byte("gb18030", range(0x81, 0xFF), gb_trail)
    chars |= set(map(chr, range(0x3400, 0x4DC0)))  # CJK Extension A (GB 18030 level 1)
    font = TTCollection(SOURCE).fonts[FACE]
    cmap = font.getBestCmap()
    # Supplementary ideographs of the font (Ext B and later; GB 18030 level 2's are among them).
    chars |= {chr(u) for u in cmap if 0x20000 <= u <= 0x3FFFF}
    big5_trail = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    chars |= two_byte("big5", range(0xA1, 0xA4), big5_trail)  # symbols
    chars |= two_byte("big5", range(0xA4, 0xFA), big5_trail)  # level-1 and level-2 Han
    texts = glob.glob(os.path.join(ROOT, "seeds", "*.txt"))
    real = os.path.join(os.path.dirname(ROOT), "shared", "corpus-real")
    texts += glob.glob(os.path.join(real, "*"))
    texts += glob.glob(os.path.join(ROOT, "tests", "fixtures", "real", "*"))
    for path in texts:
        chars |= set(read_text(path))
    # Only what the font can draw (the rest is left to a system font).
    return sorted(c for c in chars if (c.isprintable() or c == "\u3000") and ord(c) in cmap)


def read_text(path):
    """The text of a plan file: a DOCX's document.xml without its tags, else the file."""
    if path.endswith(".docx"):
        try:
            with zipfile.ZipFile(path) as z:
                xml = z.read("word/document.xml").decode("utf-8", "ignore")
            return re.sub(r"<[^>]+>", "", xml)
        except (zipfile.BadZipFile, KeyError):
            return ""
    if os.path.isdir(path):
        return ""
    with open(path, "rb") as f:
        raw = f.read()
    for codec in ("utf-8", "gb18030", "big5"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "ignore")


def main():
    chars = charset()
    listing = OUT + ".unicodes.txt"
    with open(listing, "w") as f:
        f.write("\n".join(f"U+{ord(c):04X}" for c in chars))
    subprocess.run(
        [
            "pyftsubset",
            SOURCE,
            f"--font-number={FACE}",
            f"--unicodes-file={listing}",
            "--no-hinting",
            "--layout-features=*",
            "--name-IDs=*",
            "--notdef-outline",
            f"--output-file={OUT}",
        ],
        check=True,
    )
    os.remove(listing)
    print(f"{len(chars)} characters requested, {os.path.getsize(OUT)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
