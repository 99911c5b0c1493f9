#!/usr/bin/env python3
"""Makes a photo library whose photos carry real EXIF capture dates, for the report benchmark.

  make-photo-library.py DIR --photos 100000 [--incoming 1000] [--seed 3] [--undated-percent 1]

One small JPEG (ImageMagick) gets a DateTimeOriginal from exiftool; every photo is a copy of it
with that date rewritten in place (2005 to 2024, spread over the months), a few unique bytes after
the picture's end (so no two are the same content) and its modification time set to the capture
time. One in a hundred (--undated-percent) is a copy without EXIF, for the file-time fallback.
Folders hold 500 photos each, by year, as photo apps lay them out; --incoming more photos go to
incoming/ (taken in 2025), for a backup that reaches only some targets.
"""
import argparse, datetime, os, random, shutil, subprocess, sys, tempfile

TEMPLATE_DATE = b"2000:01:01 00:00:00"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--photos", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=3)
    p.add_argument("--undated-percent", type=int, default=1)
    p.add_argument("--incoming", type=int, default=0)
    a = p.parse_args()
    for tool in ("/usr/bin/convert", "/usr/bin/exiftool"):
        if not os.access(tool, os.X_OK):
            sys.exit(f"{tool} is missing: apt-get install -y imagemagick libimage-exiftool-perl")
    rnd = random.Random(a.seed)
    with tempfile.TemporaryDirectory() as t:
        plain = os.path.join(t, "plain.jpg")
        subprocess.run(["/usr/bin/convert", "-size", "96x72", "plasma:fractal", "-quality", "80", plain], check=True)
        dated = os.path.join(t, "dated.jpg")
        shutil.copy(plain, dated)
        subprocess.run(["/usr/bin/exiftool", "-q", "-overwrite_original",
                        "-DateTimeOriginal=" + TEMPLATE_DATE.decode(), dated], check=True)
        plain_bytes = open(plain, "rb").read()
        dated_bytes = open(dated, "rb").read()
    at = dated_bytes.index(TEMPLATE_DATE)
    start = datetime.datetime(2005, 1, 1)
    span = (datetime.datetime(2024, 12, 31) - start).total_seconds()
    for i in range(a.photos + a.incoming):
        if i < a.photos:
            taken = start + datetime.timedelta(seconds=int(span * i / a.photos) + rnd.randrange(3600))
            folder = os.path.join(a.dir, f"{taken.year}", f"{i // 500:04d}")
        else:
            taken = datetime.datetime(2025, 1, 1) + datetime.timedelta(hours=i - a.photos)
            folder = os.path.join(a.dir, "incoming")
        os.makedirs(folder, exist_ok=True)
        if rnd.randrange(100) < a.undated_percent:
            body = plain_bytes
        else:
            stamp = taken.strftime("%Y:%m:%d %H:%M:%S").encode()
            body = dated_bytes[:at] + stamp + dated_bytes[at + len(stamp):]
        path = os.path.join(folder, f"IMG_{i:06d}.jpg")
        with open(path, "wb") as f:
            f.write(body + rnd.randbytes(8))  # after the picture's end: ignored by readers, unique content
        t = taken.replace(tzinfo=datetime.timezone.utc).timestamp()
        os.utime(path, (t, t))


if __name__ == "__main__":
    main()
