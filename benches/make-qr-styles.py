#!/usr/bin/env python3
"""Light-on-dark and round-dot QR frames for the decoder benchmark (issue 18).

Writes seeded 1280x720 webcam-like frames in the layout ../shared/tools/bench.py and
benches/live-budget.py read: OUT/<format>/NNN.jpg with the expected text in NNN.txt, and
OUT/MANIFEST.tsv. Formats:

- qr-inverted: light modules on a dark label (the quiet zone dark too), as printed on dark
  packaging or shown by a phone in dark mode;
- qr-dots: round dots for modules (qrcode's CircleModuleDrawer; the finder patterns too).

The scene (clutter, placement, turn up to +-30 deg, perspective, light, blur, noise, JPEG) is
../shared/tools/make_synthetic.py's, imported from there; the payloads are its QR payloads.

    python3 benches/make-qr-styles.py --seed 18 --n 30 --out target/decode-bench/qr-styles-18
"""
import argparse
import os
import random
import sys

import numpy as np
import qrcode
from qrcode.image.styledpil import StyledPilImage
from qrcode.image.styles.moduledrawers.pil import CircleModuleDrawer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "tools"))
import make_synthetic as ms  # noqa: E402

FORMATS = ["qr-inverted", "qr-dots"]


def symbol(fmt, data, rng):
    ec = rng.choice([qrcode.constants.ERROR_CORRECT_L, qrcode.constants.ERROR_CORRECT_M,
                     qrcode.constants.ERROR_CORRECT_Q])
    q = qrcode.QRCode(error_correction=ec, box_size=ms.SRC_MODULE_PX * 2, border=4)
    q.add_data(data)
    q.make(fit=True)
    if fmt == "qr-dots":
        img = q.make_image(image_factory=StyledPilImage, module_drawer=CircleModuleDrawer(),
                           eye_drawer=CircleModuleDrawer()).convert("L")
    else:
        img = q.make_image(fill_color="black", back_color="white").convert("L")
    img = img.resize((img.width // 2, img.height // 2))
    return np.array(img)


def label(sym, fmt, rng):
    if fmt == "qr-inverted":
        # Dark label, light modules: the label's negative.
        return 255.0 - ms.label_image(sym, rng)
    return ms.label_image(sym, rng)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--n", type=int, default=30, help="frames per format")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    nrng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "MANIFEST.tsv"), "w") as man:
        man.write("format\tfile\tmodule_px\tangle\tpersp\tlight\tblur\tnoise\tjpeg_q\ttext\n")
        for fmt in FORMATS:
            d = os.path.join(a.out, fmt)
            os.makedirs(d, exist_ok=True)
            for i in range(a.n):
                text = ms.payload("qrcode", rng)
                lab = label(symbol(fmt, text, rng), fmt, rng)
                bg = ms.background(rng, nrng)
                warped, mask, g = ms.place(lab, "qrcode", rng)
                img = bg * (1 - mask) + warped * mask
                enc, p = ms.degrade(img, rng, nrng)
                name = f"{i:03d}"
                with open(os.path.join(d, name + ".jpg"), "wb") as f:
                    f.write(enc)
                with open(os.path.join(d, name + ".txt"), "w") as t:
                    t.write(text)
                man.write(f"{fmt}\t{fmt}/{name}.jpg\t{g['module_px']}\t{g['angle']}\t{g['persp']}\t"
                          f"{p['light']}\t{p['blur']}\t{p['noise']}\t{p['jpeg_q']}\t{text}\n")
    print("wrote", a.out)


if __name__ == "__main__":
    main()
