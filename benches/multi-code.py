#!/usr/bin/env python3
"""Frames with several codes: smartstore against zxing-cpp in one run (issue 20's proof).

Every image of SET holds one or more codes, listed in a sibling `.txt`, one `symbology<TAB>text`
a line (the layout `cargo test -p smartstore-scan --release --test scan_multi write_multi_code_set
-- --ignored` writes: the test card at five sizes and generated 1280x720 frames with two to four
codes of mixed formats). Both decoders read every image; a code counts as read when a decoder
returns its text. The question asked: is every code zxing-cpp reports also reported by smartstore?

    python3 benches/multi-code.py --set target/decode-bench/multi \
        --smartstore target/release/smartstore [--repeat 3] [--live 30] [--out RESULTS.md]

zxing-cpp runs as ../shared/tools/bench.py runs it: the Python binding with its defaults
(try_rotate, try_downscale, try_invert), the six POS formats, on the image loaded as 8-bit grey,
timed around the call only. smartstore runs as `scan --json IMAGE...` over the whole set in one
call; its times are the `decode_us` it reports (decoding only, as for zxing-cpp). Each decoder
reads the set --repeat times; an image's time is its median.

Texts are compared as bench.py compares them: EAN-13, UPC-A and UPC-E as GTIN-13 (zxing-cpp
reports UPC-A with a leading 0), and GS1-128's bracketed AIs (zxing-cpp's "(01)0692...") as the
element string smartstore prints ("010692..."). Needs `pip install zxing-cpp numpy pillow`.

--live FPS also plays the set through the live path: `scan --camera replay:SET@FPS`, each image
held for 3 frames as the replay camera does, through the scan worker (a 1D code counts once two
of four frames agree), for 3 frames an image; it counts the distinct codes reported (the card's
five sizes carry the same five codes).
"""
import argparse
import collections
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

IMG_EXT = (".png", ".jpg", ".jpeg", ".webp", ".bmp")
KINDS = ["ean13", "ean8", "upca", "upce", "code128", "qr"]
LABEL = {"ean13": "EAN-13", "ean8": "EAN-8", "upca": "UPC-A", "upce": "UPC-E",
         "code128": "Code 128", "qr": "QR"}


def upce_to_upca(d):
    if len(d) != 8 or not d.isdigit():
        return None
    ns, x, chk = d[0], d[1:7], d[7]
    last = x[5]
    if last in "012":
        body = x[0:2] + last + "0000" + x[2:5]
    elif last == "3":
        body = x[0:3] + "00000" + x[3:5]
    elif last == "4":
        body = x[0:4] + "00000" + x[4]
    else:
        body = x[0:5] + "0000" + last
    return ns + body + chk


def key(kind, text):
    """What a read is compared by: (family, text in canonical form)."""
    if kind in ("ean13", "upca", "upce") and text.isdigit():
        if len(text) == 8:
            text = upce_to_upca(text) or text
        if len(text) == 12:
            text = "0" + text
        return ("ean/upc", text)
    if kind == "code128":
        return ("code128", re.sub(r"\((\d{2,4})\)", r"\1", text))
    return (kind, text)


ZX_KIND = {"EAN13": "ean13", "EAN-13": "ean13", "EAN8": "ean8", "EAN-8": "ean8",
           "UPCA": "upca", "UPC-A": "upca", "UPCE": "upce", "UPC-E": "upce",
           "Code128": "code128", "Code 128": "code128", "QRCode": "qr", "QR Code": "qr"}


def load_set(root):
    images = []
    for f in sorted(os.listdir(root)):
        stem, ext = os.path.splitext(f)
        txt = os.path.join(root, stem + ".txt")
        if ext.lower() in IMG_EXT and os.path.exists(txt):
            codes = []
            for line in open(txt, encoding="utf-8").read().splitlines():
                if line.strip() and not line.startswith("#"):
                    kind, text = line.split("\t")[:2]
                    codes.append((kind, text))
            images.append((os.path.join(root, f), codes))
    if not images:
        sys.exit("no images with a .txt in %s: write the set first (see --help)" % root)
    return images


def run_zxing(images, repeat):
    try:
        import numpy as np
        import zxingcpp
        from PIL import Image
    except ImportError as e:
        sys.exit("zxing-cpp is needed: pip install zxing-cpp numpy pillow (%s)" % e)
    bf = zxingcpp.BarcodeFormat
    formats = (bf.EAN13, bf.EAN8, bf.UPCA, bf.UPCE, bf.Code128, bf.QRCode)
    reads, times = {}, collections.defaultdict(list)
    for path, _ in images:
        grey = np.ascontiguousarray(np.array(Image.open(path).convert("L"), dtype=np.uint8))
        for _ in range(repeat):
            t = time.perf_counter()
            res = zxingcpp.read_barcodes(grey, formats=formats)
            times[path].append((time.perf_counter() - t) * 1000.0)
        reads[path] = [(ZX_KIND.get(str(r.format).split(".")[-1], str(r.format)), r.text)
                       for r in res]
    return reads, {p: statistics.median(v) for p, v in times.items()}, zxingcpp


def run_smartstore(images, binary, repeat):
    paths = [p for p, _ in images]
    reads, times = {}, collections.defaultdict(list)
    for r in range(repeat):
        out = subprocess.run([binary, "scan", "--json"] + paths, capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit("smartstore scan failed (%d): %s" % (out.returncode, out.stderr[-2000:]))
        this = collections.defaultdict(list)
        us = collections.defaultdict(int)
        for line in out.stdout.splitlines():
            obj = json.loads(line)
            us[obj["file"]] += obj["decode_us"]
            if obj["symbology"] is not None:
                this[obj["file"]].append((obj["symbology"], obj["text"]))
        for p in paths:
            times[p].append(us[p] / 1000.0)
            if r == 0:
                reads[p] = this[p]
    version = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
    return reads, {p: statistics.median(v) for p, v in times.items()}, version


def run_live(root, binary, fps, frames):
    out = subprocess.run([binary, "scan", "--json", "--camera", "replay:%s@%s" % (root, fps),
                          "--frames", str(frames)], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("smartstore scan --camera failed (%d): %s" % (out.returncode, out.stderr[-2000:]))
    seen = collections.Counter()
    for line in out.stdout.splitlines():
        obj = json.loads(line)
        seen[key(obj["symbology"], obj["text"])] += 1
    return seen, out.stderr.strip().splitlines()[-1:]


def score(images, reads):
    """Per decoder: read/expected per kind, codes missed, extra (misreads), duplicates."""
    by_kind = collections.defaultdict(lambda: [0, 0])
    missed, extra, dups, found = [], [], [], {}
    for path, codes in images:
        want = {key(k, t): k for k, t in codes}
        got = collections.Counter(key(k, t) for k, t in reads.get(path, []))
        found[path] = set(got) & set(want)
        for kk, kind in want.items():
            by_kind[kind][1] += 1
            if kk in got:
                by_kind[kind][0] += 1
            else:
                missed.append((path, kind, kk[1]))
        for kk, n in got.items():
            if kk not in want:
                extra.append((path, kk))
            elif n > 1:
                dups.append((path, kk, n))
    return by_kind, missed, extra, dups, found


def zx_version(module):
    try:
        from importlib.metadata import version
        return version("zxing-cpp")
    except Exception:
        return getattr(module, "__version__", "?")


def groups_of(root, images):
    """Each image's group: `card` for the test card, else the layout and blur MANIFEST.tsv
    records (generated frames), else the part of its name before the first '-'."""
    drawn = {}
    manifest = os.path.join(root, "MANIFEST.tsv")
    if os.path.exists(manifest):
        import csv
        for row in csv.DictReader(open(manifest, encoding="utf-8"), delimiter="\t"):
            blur = "sharp" if row.get("blur", "0") == "0" else "blurred"
            drawn[row["file"]] = "generated, %s, %s" % (row.get("layout", "?"), blur)
    out = {}
    for path, _ in images:
        name = os.path.basename(path)
        out[path] = drawn.get(name, name.split("-")[0])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", required=True)
    ap.add_argument("--smartstore", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--live", type=float, help="also play the set through the live path at FPS")
    ap.add_argument("--out")
    args = ap.parse_args()
    images = load_set(args.set)
    zx_reads, zx_ms, zxingcpp = run_zxing(images, args.repeat)
    ss_reads, ss_ms, commit = run_smartstore(images, args.smartstore, args.repeat)
    n_codes = sum(len(c) for _, c in images)
    per_count = collections.Counter(len(c) for _, c in images)
    lines = []
    w = lines.append
    w("Set: `%s`, %d images, %d codes (images with 2/3/4/5 codes: %s); %s, zxing-cpp %s, "
      "smartstore at `%s`, %d runs each, %s." % (
          args.set, len(images), n_codes,
          "/".join(str(per_count.get(k, 0)) for k in (2, 3, 4, 5)),
          datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
          zx_version(zxingcpp), commit, args.repeat, platform.platform()))
    w("")
    w("| decoder | " + " | ".join(LABEL[k] for k in KINDS) + " | all codes | images with every code | "
      "misreads | duplicates | median / mean ms per image |")
    w("|---" * (len(KINDS) + 6) + "|")
    results = {}
    group = groups_of(args.set, images)
    for name, reads, ms in (("zxing-cpp", zx_reads, zx_ms), ("smartstore", ss_reads, ss_ms)):
        by_kind, missed, extra, dups, found = score(images, reads)
        results[name] = (by_kind, missed, extra, dups, found)
        cells = []
        for k in KINDS:
            got, n = by_kind.get(k, [0, 0])
            cells.append("%d/%d" % (got, n) if n else "–")
        total = sum(v[0] for v in by_kind.values())
        complete = sum(1 for p, c in images if len(found[p]) == len({key(k, t) for k, t in c}))
        times = [ms[p] for p, _ in images]
        w("| %s | %s | %d/%d | %d/%d | %d | %d | %.2f / %.2f |" % (
            name, " | ".join(cells), total, n_codes, complete, len(images), len(extra),
            len(dups), statistics.median(times), statistics.mean(times)))
    w("")
    w("Codes read, by group:")
    w("")
    w("| group | images | codes | zxing-cpp | smartstore |")
    w("|---|---|---|---|---|")
    for g in sorted(set(group.values())):
        members = [(p, c) for p, c in images if group[p] == g]
        n = sum(len({key(k, t) for k, t in c}) for _, c in members)
        w("| %s | %d | %d | %d | %d |" % (
            g, len(members), n,
            sum(len(results["zxing-cpp"][4][p]) for p, _ in members),
            sum(len(results["smartstore"][4][p]) for p, _ in members)))
    w("")
    zx_found, ss_found = results["zxing-cpp"][4], results["smartstore"][4]
    only_zx = [(p, kk) for p, _ in images for kk in sorted(zx_found[p] - ss_found[p])]
    only_ss = [(p, kk) for p, _ in images for kk in sorted(ss_found[p] - zx_found[p])]
    w("Codes zxing-cpp reports that smartstore does not: **%d**%s" % (
        len(only_zx), "" if not only_zx else ": " + "; ".join(
            "%s %s" % (os.path.basename(p), kk[1]) for p, kk in only_zx)))
    w("")
    w("Codes smartstore reports that zxing-cpp does not: %d" % len(only_ss))
    for name in ("zxing-cpp", "smartstore"):
        _, missed, extra, dups, _ = results[name]
        if missed:
            w("")
            w("%s missed: %s" % (name, "; ".join(
                "%s %s %s" % (os.path.basename(p), k, t) for p, k, t in missed)))
        if extra:
            w("")
            w("%s misreads: %s" % (name, "; ".join("%s %r" % (os.path.basename(p), kk) for p, kk in extra)))
        if dups:
            w("")
            w("%s duplicates: %s" % (name, "; ".join("%s %r x%d" % (os.path.basename(p), kk, n) for p, kk, n in dups)))
    if args.live:
        seen, summary = run_live(args.set, args.smartstore, args.live, 3 * len(images))
        want = {key(k, t) for _, c in images for k, t in c}
        w("")
        w("Live path (`scan --camera replay:SET@%g --frames %d`): %d of the %d distinct codes "
          "reported, %d reports of codes not in the set; %s" % (
              args.live, 3 * len(images), len(set(seen) & want), len(want),
              sum(n for kk, n in seen.items() if kk not in want), " ".join(summary)))
        missed_live = sorted(want - set(seen))
        if missed_live:
            w("")
            w("Not reported live: %s" % "; ".join(kk[1] for kk in missed_live))
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        open(args.out, "w", encoding="utf-8").write(text)
    # Exit 1 when smartstore misses a code zxing-cpp reads, misreads, or reports a code twice.
    _, _, ss_extra, ss_dups, _ = results["smartstore"]
    return 1 if only_zx or ss_extra or ss_dups else 0


if __name__ == "__main__":
    sys.exit(main())
