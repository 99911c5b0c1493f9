#!/usr/bin/env bash
# Runs every test of every module. Installs what the tests need when it is missing.
# Tests that need a real server start it themselves on loopback; a missing server binary fails
# the test loudly with an install hint, it never skips.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

need() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
  if need apt-get; then
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
  else
    echo "test.sh: please install: $*" >&2
    exit 1
  fi
}

{ need java && need javac; } || apt_install openjdk-17-jdk-headless
need mvn || apt_install maven
# provider-sftp's tests start a real OpenSSH server on loopback
{ [ -x /usr/sbin/sshd ] && need ssh-keygen; } || apt_install openssh-server
# provider-gcs proves its GCS test server with a second client, rclone; provider-s3 reads back with rclone too
# (S3Proxy and S3Mock, the S3 servers, come from Maven Central with the build)
[ -x /usr/bin/rclone ] || apt_install rclone
# provider-vfs's FTP and FTPS server: Debian's pyftpdlib (with pyOpenSSL for TLS), for Debian's python3
/usr/bin/python3 -c 'import pyftpdlib, OpenSSL' >/dev/null 2>&1 || apt_install python3-pyftpdlib python3-openssl
# tools/heirloom-read.py (restoring without Heirloom) decrypts with Debian's python3-cryptography; a test runs it
/usr/bin/python3 -c 'import cryptography.hazmat.primitives.kdf.scrypt' >/dev/null 2>&1 || apt_install python3-cryptography
# ... a second FTP server that computes SHA-256 (HASH, mod_digest): Debian's ProFTPD
[ -x /usr/sbin/proftpd ] || apt_install proftpd-core
# ... and its second WebDAV server, Apache httpd with mod_dav
[ -x /usr/sbin/apache2 ] || apt_install apache2
# capture-date tests make their photos and videos with the real tools: exiftool, ImageMagick (with libheif for HEIC), ffmpeg
{ [ -x /usr/bin/exiftool ] && [ -x /usr/bin/convert ] && [ -x /usr/bin/ffmpeg ] \
  && /usr/bin/convert -list format 2>/dev/null | grep -q 'HEIC.*rw'; } \
  || apt_install libimage-exiftool-perl imagemagick libheif1 ffmpeg
# the HTML report's test opens it in headless Chromium
[ -x /usr/bin/chromium ] || apt_install chromium
# packaging's test builds the Debian package (jlink needs the JDK's jmods, dpkg-deb packs it) and installs it
jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
[ -d "$jdk/jmods" ] || apt_install openjdk-17-jmods
need dpkg-deb || apt_install dpkg
# provider-azure's tests start Azurite (npm), installed into the project's .tools folder
AZURITE_VERSION=3.37.0
if [ ! -x .tools/node_modules/.bin/azurite-blob ]; then
  need npm || apt_install nodejs npm
  npm install --prefix .tools --no-audit --no-fund --loglevel=error "azurite@${AZURITE_VERSION}" >/dev/null
fi

mvn -B -ntp verify "$@"
