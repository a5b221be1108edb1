#!/usr/bin/env bash
# Installs the system libraries lstmscope builds against, when they are missing (Debian/Ubuntu).
set -euo pipefail
# python3-numpy: the tests run the NumPy export.
packages=(libhdf5-dev libncurses-dev zlib1g-dev pkg-config tmux python3-numpy)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "lstmscope setup: installing ${missing[*]}" >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
