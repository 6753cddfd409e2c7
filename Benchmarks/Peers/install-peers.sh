#!/usr/bin/env bash
# Installs the peers that `dotnet run -c Release --project Benchmarks -- peers` compares OrleansML with, from Debian:
# PyTorch (python3-torch), scikit-learn with a threaded OpenBLAS (python3-sklearn, libopenblas0-pthread,
# python3-threadpoolctl to report which BLAS sklearn used) and liblinear (liblinear-tools). ML.NET comes from NuGet
# with the benchmark itself. Needs root (or sudo). Safe to run again.
set -euo pipefail
packages=(python3-torch python3-sklearn python3-threadpoolctl libopenblas0-pthread liblinear-tools dataset-fashion-mnist)
run() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
run apt-get update -qq
DEBIAN_FRONTEND=noninteractive run apt-get install -y -qq "${packages[@]}"
/usr/bin/python3 -c 'import torch, sklearn; print("torch", torch.__version__, "sklearn", sklearn.__version__)'
command -v liblinear-train >/dev/null && echo "liblinear-train: $(command -v liblinear-train)"
