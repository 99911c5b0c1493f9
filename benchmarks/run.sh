#!/usr/bin/env bash
# Heirloom against rsync, rclone, restic and borg on the same corpora, in the same run.
#
#   benchmarks/run.sh                 # every scenario at the sizes of the issue, 3 rounds; writes docs/benchmarks.md
#   benchmarks/run.sh --quick         # small corpora, 2 rounds: a few minutes, to try the harness
#   benchmarks/run.sh --only local-full,rerun --rounds 5
#   benchmarks/run.sh jmh             # the JMH kernel benchmarks only
#
# Installs the peers (Debian rsync, rclone, restic, borgbackup, openssh-server) and Azurite
# (npm, into .tools) when missing and says which, builds Heirloom, makes the corpora with
# benchmarks/make-corpus.py (cached in $HEIRLOOM_BENCH_DIR, default /tmp/heirloom-bench),
# runs each scenario for Heirloom and the peers alternately, and prints medians and ratios.
# docs/benchmarks.md gets the rows of the scenarios that ran (a --quick run: only with --doc);
# a failed scenario keeps its earlier row, and the run exits 1 naming it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

need java || apt_install openjdk-17-jdk-headless
need mvn || apt_install maven
missing=()
need rsync || missing+=(rsync)
[ -x /usr/bin/rclone ] || missing+=(rclone)
need restic || missing+=(restic)
need borg || missing+=(borgbackup)
{ [ -x /usr/sbin/sshd ] && need ssh-keygen; } || missing+=(openssh-server)
need python3 || missing+=(python3)
# corpus P (the report's photo library) is made with ImageMagick and exiftool
[ -x /usr/bin/convert ] || missing+=(imagemagick)
[ -x /usr/bin/exiftool ] || missing+=(libimage-exiftool-perl)
if [ ${#missing[@]} -gt 0 ]; then
  echo "run.sh: installing the peers and servers that are missing: ${missing[*]}" >&2
  apt_install "${missing[@]}"
else
  echo "run.sh: peers already installed (rsync, rclone, restic, borg, sshd)" >&2
fi
if [ ! -x .tools/node_modules/.bin/azurite-blob ]; then
  echo "run.sh: installing Azurite 3.37.0 into .tools" >&2
  need npm || apt_install nodejs npm
  npm install --prefix .tools --no-audit --no-fund --loglevel=error azurite@3.37.0 >/dev/null
fi

if [ ! -f cli/target/lib/heirloom-core-0.1.0-SNAPSHOT.jar ] || [ ! -f benchmarks/target/classpath.txt ] \
   || [ ! -f test-servers/target/server-jars/s3proxy.jar ]; then
  mvn -q -B -ntp install -DskipTests
fi

if [ "${1:-}" = jmh ]; then
  shift
  out="${HEIRLOOM_BENCH_DIR:-/tmp/heirloom-bench}"
  mkdir -p "$out"
  exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main \
    -rf json -rff "$out/jmh.json" "$@"
fi
exec python3 benchmarks/harness.py "$@"
