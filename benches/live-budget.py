#!/usr/bin/env python3
"""The live decoder's budget and GS1 formats against zxing-cpp and zbar, in one run (issue 18).

Reads image sets in the layout of ../shared/tools/bench.py (`ROOT/<format>/NNN.{png,jpg}` with
the expected text in `NNN.txt`; an `empty` folder of frames without a code) and decodes every
image with:

- smartstore still: `scan_json IMAGE...` (the decoder of `smartstore scan`, Effort::Still);
- smartstore live: `scan_json --live IMAGE...` (Effort::Stream within one frame interval of
  33.3 ms, as the live worker decodes a frame; `gave_up` counted);
- zxing-cpp with its defaults (try rotate, downscale, invert), as bench.py runs it, limited
  to the formats smartstore reads (the six POS formats, DataMatrix, DataBar, DataBar Expanded);
- zbar through pyzbar, when installed.

Times: smartstore's are self-reported (decoding only, as `decode_us`), the others timed around
the library call, image loading excluded; each image is decoded --repeat times and its median
taken. Texts are compared as GS1 element strings (brackets, FNC1/GS and symbology identifiers
removed; a bare 14-digit DataBar text is "01" + GTIN) and EAN/UPC as GTIN-13.

    cargo build -p smartstore-scan --release --example scan_json
    python3 benches/live-budget.py --bin $CARGO_TARGET_DIR/release/examples/scan_json \\
        --set target/decode-bench/synthetic-1818 --set target/decode-bench/gs1-18 [--repeat 3] \\
        [--before MAIN_TARGET/release/examples/scan_json]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import time

import numpy as np
from PIL import Image

IMG = (".png", ".jpg", ".jpeg", ".webp")


def canon(text):
    if text is None:
        return None
    t = text.strip()
    for p in ("]C1", "]e0", "]d2", "]Q3"):
        if t.startswith(p):
            t = t[len(p):]
    t = t.replace("\x1d", "")
    t = re.sub(r"\((\d{2,4})\)", r"\1", t)
    if t.isdigit() and len(t) == 12:
        t = "0" + t
    return t


def canon_expected(fmt, text):
    return canon(text)


def canon_read(fmt, text):
    t = canon(text)
    if fmt in ("databar", "databar-stacked") and t and t.isdigit() and len(t) == 14:
        return "01" + t  # DataBar Omni read as a bare GTIN-14
    return t


def load(root):
    sets = []
    for fmt in sorted(os.listdir(root)):
        d = os.path.join(root, fmt)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if f.lower().endswith(IMG):
                p = os.path.join(d, f)
                txt = os.path.splitext(p)[0] + ".txt"
                exp = open(txt).read().strip() if os.path.exists(txt) else None
                sets.append((fmt, p, exp))
    return sets


def run_smartstore(binary, files, live, repeat):
    times = {f: [] for f in files}
    texts = {f: set() for f in files}
    gave_up = {f: False for f in files}
    for _ in range(repeat):
        for i in range(0, len(files), 200):
            batch = files[i:i + 200]
            args = [binary] + (["--live"] if live else []) + batch
            out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
            per = {}
            for line in out.splitlines():
                j = json.loads(line)
                per.setdefault(j["file"], 0)
                per[j["file"]] += j["decode_us"]
                if j["text"] is not None:
                    texts[j["file"]].add(j["text"])
                if j.get("gave_up"):
                    gave_up[j["file"]] = True
            for f, us in per.items():
                times[f].append(us / 1000.0)
    return {f: (statistics.median(times[f]) if times[f] else None, texts[f], gave_up[f]) for f in files}


def run_zxing(files, repeat):
    import zxingcpp
    F = zxingcpp.BarcodeFormat
    # The formats smartstore reads, no others (as bench.py limits it to the six POS formats).
    formats = (F.EAN13, F.EAN8, F.UPCA, F.UPCE, F.Code128, F.QRCode, F.DataMatrix, F.DataBar,
               F.DataBarExp)
    out = {}
    for f in files:
        img = np.array(Image.open(f).convert("L"))
        ts, texts = [], set()
        for _ in range(repeat):
            t0 = time.perf_counter()
            res = zxingcpp.read_barcodes(img, formats=formats)
            ts.append((time.perf_counter() - t0) * 1000)
            texts = {r.text for r in res}
        out[f] = (statistics.median(ts), texts, False)
    return out


def run_zbar(files, repeat):
    try:
        from pyzbar import pyzbar
    except Exception:
        return None
    out = {}
    for f in files:
        img = Image.open(f).convert("L")
        ts, texts = [], set()
        for _ in range(repeat):
            t0 = time.perf_counter()
            res = pyzbar.decode(img)
            ts.append((time.perf_counter() - t0) * 1000)
            texts = {r.data.decode("utf-8", "replace") for r in res}
        out[f] = (statistics.median(ts), texts, False)
    return out


def pct(xs, q):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return float("nan")
    k = min(len(xs) - 1, max(0, int(round(q / 100 * (len(xs) - 1)))))
    return xs[k]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--set", action="append", required=True)
    ap.add_argument("--before", help="another scan_json (say main's) run the same way, as the rows "
                    "'before still' and 'before live': a change measured against its base in one run")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--details", help="write one TSV row per (decoder, image): expected, read, ms")
    a = ap.parse_args()
    images = [x for root in a.set for x in load(root)]
    files = [p for _, p, _ in images]
    results = {}
    if a.before:
        results["before still"] = run_smartstore(a.before, files, False, a.repeat)
        results["before live"] = run_smartstore(a.before, files, True, a.repeat)
    results["smartstore still"] = run_smartstore(a.bin, files, False, a.repeat)
    results["smartstore live"] = run_smartstore(a.bin, files, True, a.repeat)
    results["zxing-cpp"] = run_zxing(files, a.repeat)
    zb = run_zbar(files, a.repeat)
    if zb is not None:
        results["zbar"] = zb
    if a.details:
        with open(a.details, "w") as d:
            d.write("decoder\tfile\tformat\texpected\tread\tms\tgave_up\n")
            for name, res in results.items():
                for f, p, e in images:
                    ms, texts, g = res[p]
                    read = " | ".join(sorted(t.replace("\x1d", "<GS>") for t in texts))
                    d.write(f"{name}\t{p}\t{f}\t{e}\t{read}\t{ms}\t{g}\n")
    fmts = sorted({f for f, _, _ in images})
    print("| decoder | " + " | ".join(fmts) + " | misreads |")
    print("|---" * (len(fmts) + 2) + "|")
    for name, res in results.items():
        cells, mis = [], 0
        for fmt in fmts:
            imgs = [(p, e) for f, p, e in images if f == fmt]
            if fmt == "empty":
                fp = sum(1 for p, _ in imgs if res[p][1])
                ts = [res[p][0] for p, _ in imgs]
                cells.append(f"{fp} false · p50 {pct(ts, 50):.2f} / p99 {pct(ts, 99):.2f} / max {max(t for t in ts if t is not None):.2f} ms")
                mis += fp
                continue
            ok = 0
            ts = []
            for p, e in imgs:
                got = {canon_read(fmt, t) for t in res[p][1]}
                want = canon_expected(fmt, e)
                if want in got:
                    ok += 1
                elif got:
                    mis += 1
                ts.append(res[p][0])
            cells.append(f"{ok}/{len(imgs)} · p50 {pct(ts, 50):.2f} ms")
        print(f"| {name} | " + " | ".join(cells) + f" | {mis} |")
    print()
    for name in ("before live", "smartstore live"):
        if name in results:
            live = results[name]
            print(f"{name}: frames given up (budget spent): {sum(1 for f in files if live[f][2])} of {len(files)}")
    coded = [p for f, p, _ in images if f != "empty"]
    for name, res in results.items():
        ts = [res[p][0] for p in coded]
        print(f"{name}: frames with a code, median {pct(ts, 50):.2f} ms, p99 {pct(ts, 99):.2f} ms")


if __name__ == "__main__":
    main()
