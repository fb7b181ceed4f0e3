#!/usr/bin/env python3
"""GS1 DataMatrix and GS1 DataBar frames for the decoder benchmark (issue 18).

Writes seeded 1280x720 webcam-like frames, one code a frame on a white label, in the layout
../shared/tools/bench.py and benches/gs1-bench.py read: OUT/<format>/NNN.png with the expected
text in NNN.txt (the GS1 element string in brackets, "(01)09501101530003(3103)001250"), and
OUT/MANIFEST.tsv (format, file, module px, angle, blur, noise). Formats: datamatrix, databar
(Omni), databar-stacked (Stacked Omni), databar-expanded, databar-expanded-stacked.

The symbols are drawn by zxing-cpp's writer (`pip install zxing-cpp numpy pillow
opencv-python-headless`); the scene (label, turn up to +-20 deg, mild perspective, blur, noise,
uneven light, JPEG-like softening) follows ../shared/tools/make_synthetic.py's recipe.

    python3 benches/make-gs1-frames.py --seed 18 --n 40 --out target/decode-bench/gs1-18
"""
import argparse
import os
import random

import cv2
import numpy as np
import zxingcpp

F = zxingcpp.BarcodeFormat
FORMATS = {
    "datamatrix": F.DataMatrix,
    "databar": F.DataBar,
    "databar-stacked": getattr(F, "DataBarStkOmni", None),
    "databar-expanded": F.DataBarExp,
    "databar-expanded-stacked": getattr(F, "DataBarExpStk", None),
}


def check_digit(body):
    s = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - s % 10) % 10)


def gtin(rng):
    body = "0" + "".join(rng.choice("0123456789") for _ in range(12))
    return body + check_digit(body)


def content(fmt, rng):
    """The element string in brackets: what the code carries, and what a reader should say."""
    g = gtin(rng)
    if fmt in ("databar", "databar-stacked"):
        return f"(01){g}"
    grams = rng.randint(50, 5000)
    parts = [f"(01){g}", f"(3103){grams:06d}"]
    if rng.random() < 0.6:
        parts.append(f"(3922){rng.randint(100, 99999)}")
    if rng.random() < 0.7:
        parts.append(f"(17){rng.randint(26, 29):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}")
    if fmt == "datamatrix" and rng.random() < 0.5:
        parts.append(f"(10){rng.randint(1000, 999999)}")
    return "".join(parts)


def symbol(fmt, text, module):
    """The symbol as a grey image, `module` pixels a module (integer scale, then resized)."""
    b = zxingcpp.create_barcode(text, FORMATS[fmt])
    img = np.array(b.to_image(scale=1, add_quiet_zones=True))
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    h, w = img.shape
    return cv2.resize(img, (max(1, round(w * module)), max(1, round(h * module))),
                      interpolation=cv2.INTER_NEAREST)


def scene(sym, rng, nrng):
    W, H = 1280, 720
    bg = np.full((H, W), rng.randint(60, 170), np.float32)
    bg += nrng.normal(0, 18, (H // 40 + 1, W // 40 + 1)).repeat(40, 0).repeat(40, 1)[:H, :W]
    pad = 24
    label = np.full((sym.shape[0] + 2 * pad, sym.shape[1] + 2 * pad), 235, np.float32)
    label[pad:pad + sym.shape[0], pad:pad + sym.shape[1]] = sym.astype(np.float32) * (205 / 255) + 30
    lh, lw = label.shape
    angle = rng.uniform(-20, 20)
    scale = min(1.0, 0.9 * W / (lw + lh * 0.4), 0.9 * H / (lh + lw * 0.4))
    cx, cy = rng.uniform(0.35, 0.65) * W, rng.uniform(0.35, 0.65) * H
    m = cv2.getRotationMatrix2D((lw / 2, lh / 2), angle, scale)
    m[0, 2] += cx - lw / 2
    m[1, 2] += cy - lh / 2
    # Mild perspective: nudge the corners a little.
    src = np.float32([[0, 0], [lw, 0], [lw, lh], [0, lh]])
    dst = np.float32([m @ np.array([x, y, 1.0]) for x, y in src])
    dst += np.float32(nrng.normal(0, 0.015 * max(lw, lh) * scale, dst.shape))
    p = cv2.getPerspectiveTransform(src, dst)
    mask = cv2.warpPerspective(np.ones_like(label), p, (W, H), flags=cv2.INTER_LINEAR)
    warped = cv2.warpPerspective(label, p, (W, H), flags=cv2.INTER_LINEAR)
    img = bg * (1 - mask) + warped * mask
    gx = np.linspace(rng.uniform(0.75, 1.0), rng.uniform(0.9, 1.1), W)[None, :]
    img = img * gx
    blur = rng.choice([0, 0, 1, 1.5, 2])
    if blur:
        img = cv2.GaussianBlur(img, (0, 0), blur)
    noise = rng.uniform(2, 6)
    img = img + nrng.normal(0, noise, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8), angle, blur, noise


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--n", type=int, default=40, help="frames per format")
    ap.add_argument("--formats", default=",".join(FORMATS))
    a = ap.parse_args()
    rng = random.Random(a.seed)
    nrng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "MANIFEST.tsv"), "w") as man:
        man.write("format\tfile\tmodule_px\tangle\tblur\tnoise\ttext\n")
        for fmt in a.formats.split(","):
            if FORMATS.get(fmt) is None:
                print(f"{fmt}: this zxing-cpp cannot write it; skipped")
                continue
            d = os.path.join(a.out, fmt)
            os.makedirs(d, exist_ok=True)
            for i in range(a.n):
                text = content(fmt, rng)
                module = rng.uniform(2.0, 4.0) if fmt.startswith("databar") else rng.uniform(3.0, 6.0)
                try:
                    sym = symbol(fmt, text, module)
                except Exception as e:  # the writer refused this content
                    print(f"{fmt} {text}: {e}")
                    continue
                img, angle, blur, noise = scene(sym, rng, nrng)
                name = f"{i:03d}"
                cv2.imwrite(os.path.join(d, name + ".png"), img)
                with open(os.path.join(d, name + ".txt"), "w") as t:
                    t.write(text)
                man.write(f"{fmt}\t{fmt}/{name}.png\t{module:.2f}\t{angle:.1f}\t{blur}\t{noise:.1f}\t{text}\n")
    print("wrote", a.out)


if __name__ == "__main__":
    main()
