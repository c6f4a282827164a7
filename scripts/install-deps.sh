#!/usr/bin/env bash
# Installs the Debian 12 packages bpf2arm needs to build and test (SPEC section 7).
# Only missing packages are installed, so a prepared machine pays nothing.
set -euo pipefail

packages=(
  meson ninja-build pkg-config cmake python3 make gcc
  groff-base   # the install test renders the man page
  llvm-19-dev clang-19 lld-19 llvm-19-tools bpftool
  libbpf-dev libelf-dev zlib1g-dev libzstd-dev libcli11-dev doctest-dev
  qemu-user qemu-system-arm
  gdb-multiarch   # the debuginfo test debugs -g code on qemu-arm's gdbstub
  gcc-arm-linux-gnueabihf g++-arm-linux-gnueabihf libc6-dev-armhf-cross
  gcc-arm-none-eabi libnewlib-arm-none-eabi
  libclang-rt-19-dev
  linux-source-6.1   # the kernel's BPF selftest programs (tests/selftests)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
