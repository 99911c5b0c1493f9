#!/usr/bin/python3
"""Read a Heirloom repository without Heirloom, by docs/format.md alone.

  heirloom-read.py snapshots REPO                  list the snapshots
  heirloom-read.py restore REPO SNAPSHOT DEST      restore one snapshot (an id or its prefix, or 'latest')

REPO is the repository folder (a copy of the target, e.g. downloaded from the cloud). For an
encrypted repository the passphrase comes from $HEIRLOOM_PASSPHRASE, else it is asked for.
Needs Python 3.8+ and, for encrypted repositories, the 'cryptography' package (Debian:
python3-cryptography). Every restored file is checked against its SHA-256.
"""
import base64, getpass, hashlib, hmac, json, os, struct, sys

SEGMENT = 1 << 20          # AES256_GCM_HKDF_1MB: ciphertext segment size
HEADER = 40                # 1 length byte, 32 bytes of salt, 7 bytes of nonce prefix
TAG = 16


class Repo:
    def __init__(self, root):
        self.root = root
        with open(os.path.join(root, "heirloom.json"), "rb") as f:
            self.config = json.load(f)
        if self.config.get("format") != "heirloom-repository" or self.config.get("version", 0) > 3:
            sys.exit("not a repository this script reads: %r" % self.config)
        self.content_key = self.name_key = None
        enc = self.config.get("encryption")
        if enc:
            if (enc["content"], enc["names"], enc["keys"]) != ("AES256_GCM_HKDF_1MB", "HMAC-SHA256", "scrypt+AES-256-GCM") \
                    or enc.get("padding") not in (None, "padme"):
                sys.exit("unknown encryption: %r" % enc)
            self.padded = enc.get("padding") == "padme"  # version 3: length, content, zeros
            secret = os.environ.get("HEIRLOOM_PASSPHRASE")
            if not secret and not sys.stdin.isatty():
                sys.exit("the repository is encrypted: set HEIRLOOM_PASSPHRASE, or run this in a terminal")
            secret = secret or getpass.getpass("Passphrase: ")
            self.unlock(secret.encode("utf-8"), enc.get("check"))

    def unlock(self, secret, check):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
        from cryptography.exceptions import InvalidTag
        folder = os.path.join(self.root, "keys")
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), "rb") as f:
                slot = json.load(f)
            kdf, wrap = slot["kdf"], slot["wrap"]
            if kdf["algorithm"] != "scrypt" or wrap["algorithm"] != "AES-256-GCM":
                continue
            kek = Scrypt(salt=base64.b64decode(kdf["salt"]), length=32, n=kdf["n"], r=kdf["r"], p=kdf["p"]).derive(secret)
            try:
                master = AESGCM(kek).decrypt(base64.b64decode(wrap["nonce"]), base64.b64decode(wrap["ciphertext"]),
                                             ("keys/%s.json" % slot["id"]).encode())
            except InvalidTag:
                continue
            name_key = master[32:64]  # a 65th byte holds flags (version 3)
            if check and hmac.new(name_key, b"heirloom key check", hashlib.sha256).hexdigest()[:16] != check:
                continue  # a slot left by an interrupted creation, not this repository's key
            self.content_key, self.name_key = master[:32], name_key
            return
        sys.exit("the passphrase opens no key slot of this repository")

    def key(self, folder, sha256):
        name = sha256
        if self.name_key:
            name = hmac.new(self.name_key, sha256.encode("ascii"), hashlib.sha256).hexdigest()
        return "%s/%s/%s" % (folder, name[:2], name)

    def read(self, key):
        with open(os.path.join(self.root, *key.split("/")), "rb") as f:
            data = f.read()
        return self.decrypt(key, data) if self.content_key else data

    def decrypt(self, key, data):
        """Tink's streaming AEAD: HKDF-SHA256 key per file, AES-GCM per segment, the key as associated data."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF
        if len(data) < HEADER + TAG or data[0] != HEADER:
            raise ValueError("%s: not a ciphertext of this format" % key)
        salt, prefix = data[1:33], data[33:40]
        aes = AESGCM(HKDF(hashes.SHA256(), 32, salt, key.encode("utf-8")).derive(self.content_key))
        out, pos, number = [], HEADER, 0
        while True:
            size = SEGMENT - (HEADER if number == 0 else 0)
            segment = data[pos:pos + size]
            pos += len(segment)
            last = pos >= len(data)
            nonce = prefix + struct.pack(">I", number) + (b"\x01" if last else b"\x00")
            out.append(aes.decrypt(nonce, segment, None))
            if last:
                plain = b"".join(out)
                return self.unpad(key, plain) if self.padded else plain
            number += 1

    @staticmethod
    def unpad(key, plain):
        """Version 3: 8-byte big-endian length, the content, zeros up to the Padmé size of the whole."""
        length = struct.unpack(">Q", plain[:8])[0] if len(plain) >= 8 else -1
        whole = length + 8
        e = whole.bit_length() - 1
        mask = (1 << (e - e.bit_length())) - 1
        if length < 0 or len(plain) != (whole + mask) & ~mask or plain[whole:].strip(b"\0"):
            raise ValueError("%s: its padding is damaged" % key)
        return plain[8:whole]

    def json(self, key):
        return json.loads(self.read(key))

    def snapshots(self):
        folder = os.path.join(self.root, "snapshots")
        found = []
        for name in sorted(os.listdir(folder)):
            if name.endswith(".json") and not name.startswith(".heirloom-"):
                found.append(self.json("snapshots/" + name))
        return found


def restore(repo, tree_hash, dest, counts):
    os.makedirs(dest, exist_ok=True)
    data = repo.read(repo.key("trees", tree_hash))
    if hashlib.sha256(data).hexdigest() != tree_hash:
        raise ValueError("tree %s is damaged" % tree_hash)
    for e in json.loads(data)["entries"]:
        name = base64.b64decode(e["nameBytes"]) if "nameBytes" in e else e["name"].encode("utf-8")
        if name in (b"", b".", b"..") or b"/" in name or b"\0" in name:
            raise ValueError("refused name %r" % name)
        path = os.path.join(os.fsencode(dest), name)
        if e["type"] == "dir":
            restore(repo, e["tree"], path, counts)
            continue
        content = repo.read(repo.key("objects", e["content"]))
        if hashlib.sha256(content).hexdigest() != e["content"] or len(content) != e["size"]:
            raise ValueError("object %s (%r) is damaged" % (e["content"], name))
        with open(path, "wb") as f:
            f.write(content)
        mtime = mtime_ns(e["mtime"])
        os.utime(path, ns=(mtime, mtime))
        counts[0] += 1
        counts[1] += len(content)


def mtime_ns(text):
    """ISO-8601 UTC with up to nine fraction digits, as nanoseconds since the epoch."""
    import calendar, time
    whole, _, frac = text.rstrip("Z").partition(".")
    seconds = calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S"))
    return seconds * 10**9 + int((frac + "000000000")[:9])


def main(argv):
    if len(argv) < 3 or argv[1] not in ("snapshots", "restore") or (argv[1] == "restore" and len(argv) != 5):
        sys.exit(__doc__)
    repo = Repo(argv[2])
    snaps = sorted(repo.snapshots(), key=lambda s: (s["time"], s["id"]))
    if argv[1] == "snapshots":
        for s in snaps:
            print("%s  %s  %d files  %s" % (s["id"], s["time"], s["files"], s["source"]))
        return
    wanted = [s for s in snaps if argv[3] == "latest" or s["id"].startswith(argv[3])]
    if not wanted or (argv[3] != "latest" and len(wanted) > 1):
        sys.exit("no single snapshot %s" % argv[3])
    counts = [0, 0]
    restore(repo, wanted[-1]["root"], argv[4], counts)
    print("restored %d files (%d bytes) of snapshot %s into %s" % (counts[0], counts[1], wanted[-1]["id"], argv[4]))


if __name__ == "__main__":
    main(sys.argv)
