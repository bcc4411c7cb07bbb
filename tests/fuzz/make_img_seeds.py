#!/usr/bin/python3
"""make_img_seeds.py — (re)make the small seed images of the `img` fuzz target.

Run from the repository root with Debian's python3-pil (and heif-enc from libheif-examples): /usr/bin/python3 tests/fuzz/make_img_seeds.py
Writes tests/fuzz/corpus/img/seed-*; each file is a few hundred bytes to a few KB. The images are
synthetic gradients (no photo content), small so the fuzzer mutates headers and entropy data, not
bulk pixels.
"""
import io
import os
import sys

from PIL import Image

OUT = "tests/fuzz/corpus/img"


def gradient(w, h, mode="RGB"):
    im = Image.new("RGB", (w, h))
    im.putdata([((x * 255) // max(w - 1, 1), (y * 255) // max(h - 1, 1), ((x + y) * 7) % 256)
                for y in range(h) for x in range(w)])
    return im.convert(mode) if mode != "RGB" else im


def save(name, im, fmt, **kw):
    b = io.BytesIO()
    im.save(b, fmt, **kw)
    with open(os.path.join(OUT, "seed-" + name), "wb") as f:
        f.write(b.getvalue())


def jpeg_png():
    g = gradient(24, 17)
    save("baseline.jpg", g, "JPEG", quality=80)
    save("progressive.jpg", g, "JPEG", quality=80, progressive=True)
    save("grey.jpg", g.convert("L"), "JPEG", quality=80)
    save("cmyk.jpg", g.convert("CMYK"), "JPEG", quality=80)
    save("sub444.jpg", g, "JPEG", quality=90, subsampling=0)
    save("rgb.png", g, "PNG")
    save("rgba.png", g.convert("RGBA"), "PNG")
    save("grey.png", g.convert("L"), "PNG")
    save("la.png", g.convert("LA"), "PNG")
    save("palette.png", g.convert("P"), "PNG")
    save("1bit.png", g.convert("1"), "PNG")
    save("grey16.png", g.convert("I").point(lambda v: v * 257), "PNG")


def others():
    g = gradient(24, 17)
    save("lossy.webp", g, "WEBP", quality=60)
    save("lossless.webp", g, "WEBP", lossless=True)
    save("alpha.webp", g.convert("RGBA"), "WEBP", quality=60)
    frames = [g, g.transpose(Image.FLIP_LEFT_RIGHT)]
    save("anim.webp", frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    save("static.gif", g.convert("P"), "GIF")
    big = gradient(40, 24).convert("P")
    save("interlaced.gif", big, "GIF", interlace=True)
    save("anim.gif", frames[0].convert("P"), "GIF", save_all=True,
         append_images=[f.convert("P") for f in frames[1:]], transparency=0)
    save("none.tif", g, "TIFF")
    save("lzw.tif", g, "TIFF", compression="tiff_lzw")
    save("deflate.tif", g, "TIFF", compression="tiff_adobe_deflate")
    save("packbits-grey.tif", g.convert("L"), "TIFF", compression="packbits")
    save("jpeg.tif", g, "TIFF", compression="jpeg")
    save("1bit-g4.tif", g.convert("1"), "TIFF", compression="group4")
    save("palette.tif", g.convert("P"), "TIFF")
    save("24.bmp", g, "BMP")
    save("8.bmp", g.convert("P"), "BMP")
    save("1.bmp", g.convert("1"), "BMP")


def heif():
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as t:
        src = os.path.join(t, "g.png")
        gradient(24, 17).save(src)
        for name, args in (("q50.heic", []), ("q50.avif", ["-A"])):
            subprocess.run(["heif-enc", "-q", "50", *args, "-o", os.path.join(OUT, "seed-" + name), src],
                           check=True, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    which = sys.argv[1:] or ["jpeg_png", "others", "heif"]
    for w in which:
        globals()[w]()
