#!/usr/bin/env python3
"""The live decoder's time on frames without a code, as a tail robust to a busy machine (issue 18).

Decodes every frame of ROOT/empty (make_synthetic.py's frames without a code) --repeat times
with each scan_json given, live (`--live`: Effort::Stream within one frame interval), and
prints, per binary, the false reads and the p50 / p99 / max over the frames of each frame's
fastest decode (min of the repeats: what the frame costs when the machine lets it run) and of
its median decode.

    python3 benches/empty-tail.py --bin NEW --bin BEFORE --repeat 15 target/decode-bench/synthetic-1818
"""
import argparse
import json
import os
import statistics
import subprocess


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", action="append", required=True)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("root")
    a = ap.parse_args()
    d = os.path.join(a.root, "empty")
    files = sorted(os.path.join(d, f) for f in os.listdir(d))
    for b in a.bin:
        times = {f: [] for f in files}
        false = set()
        for _ in range(a.repeat):
            out = subprocess.run([b, "--live"] + files, capture_output=True, text=True, check=True).stdout
            per = {}
            for line in out.splitlines():
                j = json.loads(line)
                per[j["file"]] = per.get(j["file"], 0) + j["decode_us"]
                if j["text"] is not None:
                    false.add(j["file"])
            for f, us in per.items():
                times[f].append(us / 1000)
        mins = [min(v) for v in times.values() if v]
        meds = [statistics.median(v) for v in times.values() if v]
        print(f"{b}: {len(false)} false reads; min of {a.repeat}: p50 {pct(mins, .5):.2f} / p99 "
              f"{pct(mins, .99):.2f} / max {max(mins):.2f} ms; median: p50 {pct(meds, .5):.2f} / "
              f"p99 {pct(meds, .99):.2f} / max {max(meds):.2f} ms")


if __name__ == "__main__":
    main()
