#!/bin/sh
# Builds bench/peers/out/libpatchpeil_peers.so, the C ABI shim over libapt-pkg and librpm.
# Needs g++ (or $CXX), libapt-pkg-dev and librpm-dev (apt-get install -y g++ libapt-pkg-dev librpm-dev).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/out"
mkdir -p "$out"
lib="$out/libpatchpeil_peers.so"
if [ -f "$lib" ] && [ "$lib" -nt "$here/peers.cpp" ] && [ "$lib" -nt "$here/build.sh" ]; then
    exit 0
fi
cxx=${CXX:-g++}
if ! command -v "$cxx" >/dev/null 2>&1; then
    echo "build.sh: no C++ compiler ($cxx); apt-get install -y g++ libapt-pkg-dev librpm-dev" >&2
    exit 2
fi
for header in /usr/include/apt-pkg/debversion.h /usr/include/rpm/rpmver.h; do
    if [ ! -f "$header" ]; then
        echo "build.sh: $header missing; apt-get install -y libapt-pkg-dev librpm-dev" >&2
        exit 2
    fi
done
# Build into a temporary name and rename so a concurrent test run never loads a half-written library.
"$cxx" -std=c++17 -O2 -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror \
    -o "$lib.tmp.$$" "$here/peers.cpp" -lapt-pkg -lrpmio -lrpm
mv -f "$lib.tmp.$$" "$lib"
echo "built $lib"
