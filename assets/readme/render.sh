#!/usr/bin/env bash
# Renders the README's pictures with the project's own CLI. Run from the repository root.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release
bin=target/release/hologlyph
out=assets/readme
$bin render --char ⟁ --size 320 --style hieroglyph --time 2 -o $out/hologram-ascent.png
$bin render --char 🜂 --size 320 --style alchemical --time 2 -o $out/hologram-fire.png
$bin render --char 🫁 --size 320 --style topological --time 2 -o $out/hologram-breath.png
for layer in distance curvature density voids regions; do
  $bin render --char ⟁ --size 200 --layer $layer -o $out/layer-$layer.png
done
# The window as a user first sees it (under Xvfb when there is no display).
if [ -z "${DISPLAY:-}" ]; then
  Xvfb :95 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb=$!
  export DISPLAY=:95
  sleep 1
fi
HOME=$(mktemp -d) $bin open --fresh --screenshot $out/app.png
# Edit mode: the meaning editor, the region anchors and the tool row.
HOME=$(mktemp -d) $bin open --fresh --edit --screenshot $out/edit.png
if [ -n "${xvfb:-}" ]; then kill "$xvfb"; fi
