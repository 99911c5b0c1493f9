#!/usr/bin/env python3
"""Makes a deterministic photo/video-like folder tree for Heirloom's benchmarks and tests.

Usage: benchmarks/make-corpus.py DIR [--photos N] [--videos N] [--video-mb N] [--small N] [--small-kib MIN-MAX]
                                      [--seed S]

Content is pseudo-random (incompressible, like real JPEG and MP4 payloads) behind a valid JPEG or
MP4 signature, so media-type detection sees real types. The same arguments always give the same
bytes, names and modification times (Python's seeded Mersenne Twister, stable across versions).
  photos  1-6 MiB JPEGs in <year>/<year>-<month>/IMG_nnnnn.jpg, years 2010-2024
  videos  MP4s of --video-mb MiB each in videos/VID_nnnn.mp4
  small   4-16 KiB XMP sidecars in sidecars/nnn/IMG_nnnnnn.xmp (1,000 per folder; --small-kib sets the sizes)
"""
import argparse
import os
import random

JPEG_HEAD = bytes.fromhex("ffd8ffe000104a46494600010100000100010000")
MP4_HEAD = bytes.fromhex("000000206674797069736f6d0000020069736f6d69736f32617663316d703431")
BASE_TIME = 1_500_000_000  # 2017-07-14, the mtimes count up from here


def write(path, head, size, rnd, mtime):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(head)
        left = size - len(head)
        while left > 0:
            n = min(left, 8 << 20)
            f.write(rnd.randbytes(n))
            left -= n
    os.utime(path, (mtime, mtime))


def make(root, photos, videos, video_mb, small, seed, small_kib=(4, 16)):
    rnd = random.Random(seed)
    for i in range(photos):
        year = 2010 + i % 15
        size = rnd.randint(1 << 20, 6 << 20)
        write(os.path.join(root, f"{year}", f"{year}-{i % 12 + 1:02d}", f"IMG_{i:05d}.jpg"),
              JPEG_HEAD, size, rnd, BASE_TIME + i * 3600)
    for i in range(videos):
        write(os.path.join(root, "videos", f"VID_{i:04d}.mp4"), MP4_HEAD, video_mb << 20, rnd, BASE_TIME + i * 7200)
    for i in range(small):
        size = rnd.randint(small_kib[0] << 10, small_kib[1] << 10)
        write(os.path.join(root, "sidecars", f"{i // 1000:03d}", f"IMG_{i:06d}.xmp"), b"<x:xmpmeta", size, rnd,
              BASE_TIME + i)


def main():
    p = argparse.ArgumentParser(description="deterministic photo/video-like corpus")
    p.add_argument("dir")
    p.add_argument("--photos", type=int, default=600)
    p.add_argument("--videos", type=int, default=3)
    p.add_argument("--video-mb", type=int, default=400)
    p.add_argument("--small", type=int, default=0, help="extra small sidecar files (4-16 KiB)")
    p.add_argument("--small-kib", default="4-16", help="size range of the small files in KiB (default 4-16)")
    p.add_argument("--seed", type=int, default=321)
    a = p.parse_args()
    for name in ("photos", "videos", "video_mb", "small"):
        if getattr(a, name) < 0:
            p.error(f"--{name.replace('_', '-')} must not be negative")
    try:
        low, high = (int(x) for x in a.small_kib.split("-"))
    except ValueError:
        p.error(f"--small-kib must be MIN-MAX in KiB, such as 4-16, not {a.small_kib}")
    if not 1 <= low <= high:
        p.error("--small-kib needs 1 <= MIN <= MAX")
    make(a.dir, a.photos, a.videos, a.video_mb, a.small, a.seed, (low, high))


if __name__ == "__main__":
    main()
