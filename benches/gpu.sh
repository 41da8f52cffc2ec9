#!/usr/bin/env bash
# The one-call GPU benchmark: builds and runs benches/gpu.rs in the release profile.
# Needs a Rust toolchain (1.95+), the Vulkan loader (libvulkan1) and the GPU's Vulkan
# driver (ICD), which NVIDIA's driver packages install; no display. From a clean checkout
# on a 16-core machine the build takes most of the time.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
cargo bench --locked --bench gpu "$@"
echo "wall time, build included: $(( $(date +%s) - start )) s"
