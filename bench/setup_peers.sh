#!/usr/bin/env bash
# setup_peers.sh — installs the peers bench/run_all.sh compares brain with, outside brain's build:
#   * a Python venv (default /tmp/brain-peers, or $BRAIN_PEERS_VENV) with PyTorch 2.x,
#     onnxruntime, onnx and numpy from PyPI (the "today's install" peers);
#   * Debian's PyTorch 1.13 (apt package python3-torch, with python3-numpy) for /usr/bin/python3
#     (the older peer the earlier benches used).
# The library, its tests and CI need none of this: scripts/setup.sh does not install it.
#
# Idempotent: what is already there is kept (a second run checks the imports and exits).
#
# Usage: bench/setup_peers.sh                      # both peers
#        BRAIN_PEERS_VENV=/opt/peers bench/setup_peers.sh
#        BRAIN_PEERS_NO_APT=1 bench/setup_peers.sh # the venv only (no root, no torch 1.13)
#        BRAIN_PEERS_TORCH_INDEX=https://download.pytorch.org/whl/cpu bench/setup_peers.sh
# BRAIN_PEERS_TORCH_INDEX (optional) takes torch from PyTorch's CPU-only index instead of PyPI:
# PyPI's Linux wheel pulls ~3 GB of CUDA libraries that a CPU benchmark never loads (the torch
# code itself is the same build).  BRAIN_PEERS_PYTHON picks the interpreter the venv is made
# from (default: python3 on PATH; Python ≥ 3.10).
# Prints the two interpreters' paths at the end; run_all.sh reads the same variables.
set -euo pipefail
VENV=${BRAIN_PEERS_VENV:-/tmp/brain-peers}
BASE_PY=${BRAIN_PEERS_PYTHON:-python3}
NICE=${NICE:-nice -n 10}

check_venv() {
    [ -x "$VENV/bin/python" ] && "$VENV/bin/python" - <<'EOF' 2>/dev/null
import torch, onnxruntime, onnx, numpy
assert int(torch.__version__.split(".")[0]) >= 2
print(f"venv ok: torch {torch.__version__}, onnxruntime {onnxruntime.__version__}, onnx {onnx.__version__}, numpy {numpy.__version__}")
EOF
}
check_debian() {
    /usr/bin/python3 -c 'import torch, numpy; print(f"/usr/bin/python3 ok: torch {torch.__version__} (Debian), numpy {numpy.__version__}")' 2>/dev/null
}

# ---- PyTorch 2.x + ONNX Runtime in the venv
if ! check_venv; then
    echo "setting up $VENV ..." >&2
    [ -x "$VENV/bin/python" ] || "$BASE_PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip >&2
    if [ -n "${BRAIN_PEERS_TORCH_INDEX:-}" ]; then
        $NICE "$VENV/bin/python" -m pip install -q --index-url "$BRAIN_PEERS_TORCH_INDEX" 'torch>=2' >&2
    else
        $NICE "$VENV/bin/python" -m pip install -q 'torch>=2' >&2
    fi
    $NICE "$VENV/bin/python" -m pip install -q onnxruntime onnx numpy >&2
    check_venv
fi

# ---- Debian's PyTorch 1.13 for /usr/bin/python3
if ! check_debian; then
    if [ -n "${BRAIN_PEERS_NO_APT:-}" ]; then
        echo "skipping Debian's python3-torch (BRAIN_PEERS_NO_APT); run_all.sh leaves its column out" >&2
    elif [ "$(id -u)" = 0 ] || command -v sudo >/dev/null; then
        SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
        export DEBIAN_FRONTEND=noninteractive
        $SUDO apt-get install -y -q --no-install-recommends python3-torch python3-numpy >&2 ||
            { $SUDO apt-get update -q >&2 && $SUDO apt-get install -y -q --no-install-recommends python3-torch python3-numpy >&2; }
        check_debian
    else
        echo "python3-torch is missing and there is no root: apt-get install python3-torch python3-numpy" >&2
    fi
fi
echo "BRAIN_PEER_PYTHON=$VENV/bin/python"
echo "BRAIN_OLD_PEER_PYTHON=/usr/bin/python3"
