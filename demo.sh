#!/usr/bin/env bash
# Builds Heirloom and runs a real backup of the bundled sample library (JPEG, HEIC, MP4, XMP)
# to three local folders, one of them labelled offsite, then restores it and shows the status.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out="${DEMO_DIR:-$PWD/demo-out}"

echo "== Building (mvn install, tests skipped; ./test.sh runs them)"
mvn -q -B install -DskipTests

rm -rf "$out"
mkdir -p "$out/usb-disk" "$out/nas" "$out/cloud-bucket"
cp -r examples/sample-library "$out/Pictures"
cat > "$out/heirloom.yaml" <<YAML
source: { path: Pictures, medium: internal-disk, site: onsite, include: [photos, videos, sidecars], exclude: ["**/.thumbnails/**"] }
policy: 3-2-1
targets:
  - { name: usb,   path: usb-disk/heirloom,     medium: external-disk, site: onsite }
  - { name: nas,   path: nas/heirloom,          medium: nas,           site: onsite }
  - { name: cloud, path: cloud-bucket/heirloom, medium: cloud,         site: offsite,    # a local folder standing in for the cloud
      encryption: { passphrase: "\${env:HEIRLOOM_PASSPHRASE}" } }   # encrypted: names and photos unreadable there
YAML
export HEIRLOOM_PASSPHRASE="${HEIRLOOM_PASSPHRASE:-a demo passphrase, keep yours somewhere safe}"
echo "== Configuration ($out/heirloom.yaml)"
cat "$out/heirloom.yaml"

echo; echo "== heirloom plan"
bin/heirloom plan -c "$out/heirloom.yaml" || true
echo; echo "== heirloom backup"
bin/heirloom backup -c "$out/heirloom.yaml"
echo; echo "== heirloom backup again (nothing changed: nothing is read, only a snapshot is written)"
bin/heirloom backup -c "$out/heirloom.yaml"
echo; echo "== heirloom restore from the offsite copy"
bin/heirloom restore -c "$out/heirloom.yaml" --from cloud --to "$out/restored"
diff -r "$out/Pictures" "$out/restored" --exclude=README.txt && echo "restored tree is identical to the source"
if grep -rqaP "IMG_0101|2019-07-beach|\\x00\\x10JFIF\\x00" "$out/cloud-bucket"; then echo "the offsite copy shows a name or a photo!"; exit 1; fi
echo "the offsite copy holds no file name and no readable photo (it is encrypted)"
echo; echo "== heirloom verify --level content (read every stored object back and re-hash it)"
bin/heirloom verify -c "$out/heirloom.yaml" --level content
echo; echo "== heirloom status"
bin/heirloom status -c "$out/heirloom.yaml"
