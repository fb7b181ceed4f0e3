#!/usr/bin/env python3
"""Renders assets/test-card.png: the card a technician prints and holds in front of a terminal's
camera (the camera check of `smartstore doctor`, the scan test of the setup mode).

It carries one code of each kind a shopper brings to the counter, all for products of the demo
catalog (assets/demo-catalog.csv), and writes assets/test-card.txt: what each code must read as,
one `symbology<TAB>text<TAB>gtin14` a line, for the camera check to compare against.

Needs: python-barcode, qrcode, Pillow (pip install python-barcode qrcode pillow).
If zxing-cpp's Python module is installed, the card is decoded after rendering as a check.

Run from the repository root: python3 assets/make-test-card.py
Print at 100 % on A5 landscape (the PNG is 200 dpi, 210 x 148 mm).
"""

import csv
import pathlib
import sys

import barcode
import qrcode
from barcode.writer import ImageWriter
from PIL import Image, ImageDraw, ImageFont

HERE = pathlib.Path(__file__).resolve().parent
DPI = 200
W, H = 1654, 1165  # A5 landscape at 200 dpi
MM = DPI / 25.4

# (symbology as `smartstore scan --json` names it, what the symbol carries, gtin of the product)
CODES = [
    ("ean13", "6921000000019", "6921000000019"),
    ("ean8", "69000171", "69000171"),
    ("upca", "036004000135", "036004000135"),
    ("code128", "(01)06921000000026", "6921000000026"),
    ("qr", "https://id.gs1.org/01/06931003700045", "6931003700045"),
]


def gtin14(digits: str) -> str:
    return digits.rjust(14, "0")


def catalog_names() -> dict:
    with open(HERE / "demo-catalog.csv", newline="", encoding="utf-8") as f:
        return {gtin14(row["gtin"]): row["name"] for row in csv.DictReader(f)}


def font(size: int) -> ImageFont.ImageFont:
    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    ):
        if pathlib.Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def linear(kind: str, text: str) -> Image.Image:
    writer = ImageWriter()
    options = {
        "module_width": 4 / MM,  # four whole pixels a module (0.51 mm): sharp edges, easy at 30 cm
        "module_height": 22.0,
        "quiet_zone": 4.0,
        "font_size": 9,
        "text_distance": 3.5,
        "dpi": DPI,
        "background": "white",
        "foreground": "black",
    }
    if kind == "ean13":
        code = barcode.get("ean13", text[:12], writer=writer)
    elif kind == "ean8":
        code = barcode.get("ean8", text[:7], writer=writer)
    elif kind == "upca":
        code = barcode.get("upca", text[:11], writer=writer)
    elif kind == "code128":
        # GS1-128: FNC1 first, then AI (01) and the GTIN-14.
        code = barcode.get("gs1_128", text.replace("(", "").replace(")", ""), writer=writer)
    else:
        raise ValueError(kind)
    img = code.render(options)
    if code.get_fullcode().lstrip("0") not in text.lstrip("0") and kind != "code128":
        raise SystemExit(f"{kind}: rendered {code.get_fullcode()}, wanted {text}")
    return img.convert("L")


def qr(text: str) -> Image.Image:
    q = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=9, border=4
    )
    q.add_data(text)
    q.make(fit=True)
    return q.make_image(fill_color="black", back_color="white").get_image().convert("L")


def main() -> int:
    names = catalog_names()
    card = Image.new("L", (W, H), 255)
    draw = ImageDraw.Draw(card)
    draw.rectangle([8, 8, W - 9, H - 9], outline=0, width=4)
    draw.text((40, 30), "smartstore camera test card", fill=0, font=font(46))
    draw.text(
        (40, 92),
        "Hold 20-40 cm from the camera; every code must be read (smartstore doctor / setup mode).",
        fill=0,
        font=font(24),
    )

    # Two rows: four linear codes in a 2x2 grid on the left, the QR code on the right.
    slots = [(40, 160), (600, 160), (40, 600), (600, 600)]
    label_font = font(22)
    for (kind, text, gtin), (x, y) in zip(CODES[:4], slots):
        img = linear(kind, text)  # never scaled: modules stay whole pixels
        card.paste(img, (x, y))
        name = names.get(gtin14(gtin), "?")
        draw.text((x + 10, y + img.height + 8), f"{kind}: {name}", fill=0, font=label_font)
    kind, text, gtin = CODES[4]
    img = qr(text)
    qx, qy = W - 40 - img.width, 200
    card.paste(img, (qx, qy))
    draw.text(
        (qx + 10, qy + img.height + 8),
        f"qr: {names.get(gtin14(gtin), '?')}",
        fill=0,
        font=label_font,
    )
    draw.text((qx + 10, qy + img.height + 40), "(GS1 Digital Link)", fill=0, font=label_font)
    draw.text(
        (40, H - 70),
        "Products of the demo catalog (assets/demo-catalog.csv). Expected texts: assets/test-card.txt",
        fill=0,
        font=font(20),
    )

    out = HERE / "test-card.png"
    card.save(out, dpi=(DPI, DPI), optimize=True)
    with open(HERE / "test-card.txt", "w", encoding="utf-8") as f:
        f.write("# symbology\ttext\tgtin14 -- the codes on test-card.png (make-test-card.py)\n")
        for kind, text, gtin in CODES:
            f.write(f"{kind}\t{text}\t{gtin14(gtin)}\n")
    print(f"wrote {out} and {HERE / 'test-card.txt'}")
    return verify(out)


def verify(path: pathlib.Path) -> int:
    try:
        import zxingcpp
    except ImportError:
        print("zxing-cpp not installed: the card was not decoded back (pip install zxing-cpp)")
        return 0
    found = {r.text for r in zxingcpp.read_barcodes(Image.open(path))}
    # zxing-cpp gives GS1 data with parentheses or raw; compare by the GTIN inside.
    missing = []
    for kind, text, gtin in CODES:
        if not any(text == f or gtin14(gtin) in f or gtin in f for f in found):
            missing.append(f"{kind} {text}")
    print(f"decoded back: {sorted(found)}")
    if missing:
        print(f"NOT decoded: {missing}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
