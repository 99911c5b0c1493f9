#!/usr/bin/env bash
# Builds heirloom_VERSION_ARCH.deb: the heirloom command with a Java runtime of its own (jlink,
# only the modules it needs; a class-data archive of the JDK's classes), /usr/bin/heirloom, the
# systemd units heirloom.service and heirloom@.service, and a sample configuration. Installs on a
# machine without Java.
#
#   mvn -q -B install -DskipTests && bash packaging/build-deb.sh      # -> packaging/target/heirloom_*.deb
#   bash packaging/build-deb.sh LIB_DIR OUT_DIR                        # what the packaging test runs
#
# Needs a JDK 17+ with its jmods (Debian: openjdk-17-jdk-headless openjdk-17-jmods) and dpkg-deb.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lib=$(cd "${1:-$here/target/lib}" && pwd)
out=$(mkdir -p "${2:-$here/target}" && cd "${2:-$here/target}" && pwd)

cli=$(ls "$lib"/heirloom-cli-*.jar 2>/dev/null | head -n 1 || true)
if [ -z "$cli" ]; then
  echo "build-deb.sh: no heirloom-cli jar in $lib; run 'mvn -q -B install -DskipTests' first" >&2
  exit 2
fi
version=$(basename "$cli" .jar | sed -e 's/^heirloom-cli-//' -e 's/-/~/')
arch=$(dpkg --print-architecture)
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
if [ ! -d "$jdk/jmods" ]; then
  echo "build-deb.sh: $jdk has no jmods to make a runtime from; install them (Debian: apt-get install openjdk-17-jmods) or set JAVA_HOME to a full JDK" >&2
  exit 2
fi
# what the command and its libraries use (jdeps cannot follow every SDK's optional parts):
# java.net.http (GCS uploads, notifications), java.xml (S3, Azure, WebDAV), java.desktop (java.beans
# for Jackson, ImageIO), java.management and jdk.unsupported (Netty, gRPC, Guava), java.naming and
# jdk.naming.dns (DNS lookups of some clients), jdk.net (socket options: Apache HttpClient 5, the S3 client),
# jdk.crypto.ec (TLS), java.sql (Jackson's optional types)
modules=java.base,java.logging,java.naming,java.net.http,java.sql,java.xml,java.desktop,java.management,java.security.jgss,jdk.unsupported,jdk.crypto.ec,jdk.naming.dns,jdk.net,jdk.zipfs

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/heirloom"
mkdir -p "$root/usr/lib/heirloom/bin" "$root/usr/bin" "$root/lib/systemd/system" "$root/usr/share/doc/heirloom" "$root/DEBIAN"
"$jdk/bin/jlink" --module-path "$jdk/jmods" --add-modules "$modules" --strip-debug --no-man-pages \
  --no-header-files --compress=2 --generate-cds-archive --output "$root/usr/lib/heirloom/runtime"
cp -r "$lib" "$root/usr/lib/heirloom/lib"
install -m 0755 "$here/src/dist/bin/heirloom" "$root/usr/lib/heirloom/bin/heirloom"
ln -s ../lib/heirloom/bin/heirloom "$root/usr/bin/heirloom"
install -m 0644 "$here"/src/dist/systemd/*.service "$root/lib/systemd/system/"
install -m 0644 "$here/src/dist/heirloom.example.yaml" "$here/../README.md" "$root/usr/share/doc/heirloom/"

size=$(du -sk "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: heirloom
Version: $version
Architecture: $arch
Maintainer: Heirloom developers <heirloom@localhost>
Installed-Size: $size
Section: utils
Priority: optional
Homepage: https://github.com/heirloom-backup/heirloom
Description: 3-2-1 backups of photos and videos, with an honest answer
 Heirloom keeps photos and videos under the 3-2-1 rule (3 copies, 2 kinds of
 media, 1 offsite) on local disks, NAS (SFTP, FTP, WebDAV) and cloud storage
 (S3-compatible, Azure, Google Cloud), checks the copies on a schedule, and
 reports whether every file is safe. Carries its own Java runtime.
CONTROL
cat > "$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
# where the service's configuration and secrets live; readable by root only
mkdir -p /etc/heirloom
chmod 0750 /etc/heirloom
# a class-data archive of what a backup loads, so that every command starts sooner: one small
# backup between two temporary folders records it (JDK 17 checks the class path an archive was
# made with, so it is made here, where the package is installed); without it heirloom still runs
archive=/usr/lib/heirloom/heirloom.jsa
rm -f "$archive"
if work=$(mktemp -d); then
  mkdir -p "$work/photos/2019" "$work/copy"
  printf 'heirloom class-data probe' > "$work/photos/2019/probe.jpg"
  printf 'source: { path: "%s/photos" }\npolicy: { copies: 2, media: 1, offsite: 0 }\ntargets:\n  - { name: copy, path: "%s/copy", medium: external-disk, site: onsite }\n' \
    "$work" "$work" > "$work/heirloom.yaml"
  HOME="$work" HEIRLOOM_CDS_DUMP="$archive.tmp" /usr/lib/heirloom/bin/heirloom backup -q -c "$work/heirloom.yaml" \
    >/dev/null 2>&1 && [ -s "$archive.tmp" ] && mv -f "$archive.tmp" "$archive" || rm -f "$archive.tmp"
  rm -rf "$work"
fi
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
fi
POSTINST
cat > "$root/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
# made by postinst, so not in the package's file list
rm -f /usr/lib/heirloom/heirloom.jsa /usr/lib/heirloom/heirloom.jsa.tmp
PRERM
cat > "$root/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
fi
POSTRM
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
deb="$out/heirloom_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
echo "$deb"
