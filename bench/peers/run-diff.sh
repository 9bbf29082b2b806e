#!/bin/sh
# Differential check of Patchpeil's dpkg, RPM and Windows version order against libapt-pkg, librpm and
# System.Version on a seeded corpus built from this machine's Debian package lists.
#   bench/peers/run-diff.sh [--pairs N] [--seed S] [--examples K] [--scheme deb|rpm|windows] [--malformed PERCENT]
#                           [--fixture DIR]
# N is per scheme (default 1,000,000); PERCENT of the pairs get one malformed side (default 5), on which only the
# raw comparison must agree; --fixture appends the disagreeing pairs with the peer's answer to DIR/{deb,rpm}.tsv.
# Exit code: 0 all agree, 1 disagreements, 2 peers unavailable, 3 agree but a scheme is not implemented yet.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
"$here/build.sh"
if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
    echo "run-diff.sh: no apt package lists; the corpus uses /var/lib/dpkg/status only (run apt-get update for more)" >&2
fi
dotnet build -c Release --nologo -v quiet "$root/bench/Patchpeil.Benchmarks/Patchpeil.Benchmarks.csproj" >/dev/null
exec dotnet "$root/bench/Patchpeil.Benchmarks/bin/Release/net10.0/Patchpeil.Benchmarks.dll" diff "$@"
