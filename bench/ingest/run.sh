#!/usr/bin/env bash
# Ingest scale run: Release build, a fresh SQLite database, `patchpeil feeds import` per input, wall and CPU time and
# peak RSS from /usr/bin/time, the load average before each command. Usage: bench/ingest/run.sh [runs] [osv-records]
# PATCHPEIL_INGEST_PROFILE=1 adds the OSV import's CPU per section (parse, map, each table's writes, commit), JIT and GC.
set -euo pipefail
runs=${1:-3}
osv=${2:-300000}
root="$(cd "$(dirname "$0")/../.." && pwd)"
work=${WORK:-/tmp/patchpeil-ingest-bench}
mkdir -p "$work"
[ -f "$work/.osv-$osv" ] || { rm -rf "$work/corpus"; python3 "$root/bench/ingest/generate.py" "$work/corpus" --osv "$osv" && touch "$work/.osv-$osv"; }
dotnet build "$root/src/Patchpeil.Server" -c Release -v q >/dev/null
bin="$root/src/Patchpeil.Server/bin/Release/net10.0/patchpeil"
export Logging__LogLevel__Default=Warning
measure() { # name, database, args...
  local name=$1 db=$2; shift 2
  echo "$name: load average $(cut -d' ' -f1-3 /proc/loadavg)"
  ConnectionStrings__Patchpeil="Data Source=$db" /usr/bin/time -f "$name: %e s wall, %U s user, %S s sys, %M KB peak" "$bin" feeds import "$@" 2>&1 | grep -E "^Total|: .* wall|^  [A-Za-z]|^ingest profile" | sed "s|^Total|$name total|"
}
for run in $(seq "$runs"); do
  echo "--- run $run"
  db="$work/bench-$run.db"; rm -f "$db"*
  measure "kev (empty db)" "$db" "$work/corpus/kev.json"
  measure "kev (again)" "$db" "$work/corpus/kev.json"
  measure "epss 300k (empty db)" "$db" "$work/corpus/epss_scores-2026-08-20.csv.gz"
  measure "epss 300k (again)" "$db" "$work/corpus/epss_scores-2026-08-20.csv.gz"
  measure "osv $osv (empty db)" "$db" "$work/corpus/osv" --source osv
  measure "osv $osv (again)" "$db" "$work/corpus/osv" --source osv
done
