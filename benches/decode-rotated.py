#!/usr/bin/env python3
"""Detection of 1D codes turned 20-30 degrees, per decoder, from bench.py's --details TSV and the
MANIFEST.tsv of the synthetic set it ran on (make_synthetic.py records each frame's angle).

    python3 benches/decode-rotated.py target/decode-bench/final-4711.tsv \
        target/decode-bench/synthetic-4711/MANIFEST.tsv [--min 20 --max 30]
"""
import argparse
import ast
import collections
import csv
import os


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("details")
    ap.add_argument("manifest")
    ap.add_argument("--min", type=float, default=20.0)
    ap.add_argument("--max", type=float, default=30.0)
    args = ap.parse_args()
    root = os.path.normpath(os.path.dirname(args.manifest))
    angle = {}
    with open(args.manifest) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            params = ast.literal_eval(row["params"])
            angle[(row["set"], row["file"])] = abs(params.get("angle", 0.0))
    tally = collections.defaultdict(lambda: [0, 0])
    with open(args.details) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            path = os.path.normpath(row["path"])
            if not path.startswith(root + os.sep):
                continue
            fmt, name = os.path.relpath(path, root).split(os.sep)[-2:]
            a = angle.get((fmt, name))
            if a is None or not (args.min <= a <= args.max):
                continue
            t = tally[(fmt, row["decoder"])]
            t[0] += int(row["correct"])
            t[1] += 1
    for (fmt, decoder), (ok, n) in sorted(tally.items()):
        print(f"{fmt}\t{decoder}\t{ok}/{n}\t{100.0 * ok / n:.0f}%")


if __name__ == "__main__":
    main()
