#!/usr/bin/env python3
"""Write the illustration placeholders that stand in for the seed reports' photos.

The reference reports name photos that were never supplied.  These are plain
generated pictures that say "ẢNH MINH HỌA" on their face, so nobody mistakes
them for the real photos.  Run once; the results are committed.

    python tools/make_placeholders.py content/images/2024 NAME.jpg ...
"""

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def placeholder(path: Path, width: int = 1200, height: int = 800) -> None:
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image = Image.blend(image, Image.new("RGB", (width, height), (46, 84, 120)), 0.7)
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype(FONT, 64)
    except OSError:
        font = ImageFont.load_default(64)
    draw.text(
        (width / 2, height / 2), "ẢNH MINH HỌA", fill="white", font=font, anchor="mm"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=70, optimize=True, progressive=True)


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    for name in sys.argv[2:]:
        placeholder(folder / name)
