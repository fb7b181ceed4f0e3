#!/usr/bin/env python3
"""Reads and misreads on the shared real photos (../shared/testdata/barcodes), still and live.

Runs each scan_json given on every photo, as a still and live (`--live`), and compares with the
expected text as ../shared/tools/bench.py does (EAN-13, UPC-A and UPC-E as GTIN-13). A photo is
read when one of the texts returned is the expected one, misread when texts came back and none
is.

    python3 benches/real-photos.py --bin NEW --bin BEFORE
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(HERE, "..", "..", "shared", "tools")
sys.path.insert(0, TOOLS)
from bench import norm, read_expected  # noqa: E402

IMG = (".png", ".jpg", ".jpeg", ".webp")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", action="append", required=True)
    ap.add_argument("--root", default=os.path.join(HERE, "..", "..", "shared", "testdata", "barcodes"))
    a = ap.parse_args()
    photos = []
    for fmt in sorted(os.listdir(a.root)):
        d = os.path.join(a.root, fmt)
        if not os.path.isdir(d):
            continue
        for s in sorted(os.listdir(d)):
            for f in sorted(os.listdir(os.path.join(d, s))):
                txt = os.path.join(d, s, os.path.splitext(f)[0] + ".txt")
                if f.lower().endswith(IMG) and os.path.exists(txt):
                    photos.append((fmt, os.path.join(d, s, f), read_expected(txt)))
    paths = [p for _, p, _ in photos]
    for b in a.bin:
        for live in (False, True):
            got = {}
            for i in range(0, len(paths), 100):
                out = subprocess.run([b] + (["--live"] if live else []) + paths[i:i + 100],
                                     capture_output=True, text=True, check=True).stdout
                for line in out.splitlines():
                    j = json.loads(line)
                    if j["text"] is not None:
                        got.setdefault(j["file"], []).append(j["text"])
            read = sum(1 for fmt, p, e in photos if any(norm(fmt, t) == norm(fmt, e) for t in got.get(p, [])))
            mis = [p for fmt, p, e in photos
                   if got.get(p) and not any(norm(fmt, t) == norm(fmt, e) for t in got[p])]
            print(f"{b} {'live' if live else 'still'}: {read}/{len(photos)} read, {len(mis)} misread"
                  + (f" ({', '.join(mis[:5])})" if mis else ""))


if __name__ == "__main__":
    main()
