#!/usr/bin/env bash
# Builds llama.cpp from the source bundled inside node-llama-cpp, for machines where no prebuilt
# binary fits (a newer CUDA, an unusual CPU, or to enable native CPU optimisations).
#   native/build-from-source.sh [cuda|vulkan|metal|false]     (default: cuda)
# Needs CMake and a C++ compiler; for CUDA the CUDA toolkit (nvcc), for Vulkan the Vulkan SDK.
# The result lands in node_modules/node-llama-cpp/llama/localBuilds/ and is picked up automatically
# (electron-builder.yml packages localBuilds for the current OS/arch).
set -euo pipefail
gpu="${1:-cuda}"
case "$gpu" in
  cuda|vulkan|metal|false) ;;
  *) echo "usage: native/build-from-source.sh [cuda|vulkan|metal|false]   (got: $gpu)"; exit 2 ;;
esac
cd "$(dirname "$0")/.."
command -v cmake >/dev/null || { echo "cmake is required (apt-get install cmake / brew install cmake)"; exit 1; }
if [ "$gpu" = cuda ] && ! command -v nvcc >/dev/null; then
  echo "nvcc not found: install the CUDA toolkit, or pass vulkan/false"; exit 1
fi
if [ "$gpu" = vulkan ] && ! command -v glslc >/dev/null; then
  echo "glslc not found: install the Vulkan SDK (it builds llama.cpp's Vulkan shaders), or pass cuda/false"; exit 1
fi
npx --no node-llama-cpp source build --gpu "$gpu"
npx --no tsx native/report.ts --probe
