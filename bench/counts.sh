#!/usr/bin/env bash
# Instruction and cache-miss counts of `archc check` on generated workspaces, under cachegrind.
#
#   bench/counts.sh                          # sizes 1000 10000, the release binary
#   SIZES="1000 10000 100000" bench/counts.sh
#   BASE=/path/to/older/archc bench/counts.sh   # the same counts for a second binary, with ratios
#   TOP=20 bench/counts.sh                   # also the functions with the most instructions
#
# Wall times on a shared two-core virtual machine move by 20% to 2x between runs of one binary,
# more than most changes are worth. These counts move far less: the same binary on the same
# workspace gives instructions within about 0.2% and last-level misses within about 3% from run
# to run (the threads' order varies), so a change that saves 3% of the instructions shows as 3%.
# Cachegrind simulates a first-level data cache and a last-level cache the size of this
# machine's L3 (LL, below); its misses are what grows when a workspace stops fitting in the
# caches. Counts are not time: a run that executes fewer instructions can still be slower (page
# faults, stalls), so a change is judged by both, the counts telling whether it did what it
# meant to.
#
# Needs valgrind (Debian: apt-get install valgrind). Cachegrind runs a program 20 to 60 times
# slower: 100,000 components take about five minutes.
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 10000"}
SEED=${SEED:-1}
TOP=${TOP:-0}
BASE=${BASE:-}
# The simulated last-level cache: size, ways, line. Left to itself, cachegrind reads this virtual
# machine's L3 as 256 MiB and direct-mapped, which no workspace here outgrows; lscpu says 32 MiB.
LL=${LL:-33554432,16,64}

if ! command -v valgrind >/dev/null; then
  echo "bench/counts.sh needs valgrind (Debian: apt-get install valgrind)" >&2
  exit 2
fi

# One build of both, as bench/run.sh does: building them apart makes cargo rebuild the binary
# whenever the other was built last. ARCHC names another binary to count instead.
echo "building the release binary and the generator..." >&2
cargo build --release --quiet --bin archc --example gen-workspace
ARCHC=${ARCHC:-$PWD/target/release/archc}
GEN=$PWD/target/release/examples/gen-workspace

TMP=$(mktemp -d "${TMPDIR:-/tmp}/archc-counts.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# The summary line of a cachegrind output file: instructions, D1 misses and LL misses (reads
# and writes together), as three numbers.
summary() {
  awk '/^events:/ { for (i = 2; i <= NF; i++) at[$i] = i }
       /^summary:/ { print $at["Ir"], $at["D1mr"] + $at["D1mw"], $at["DLmr"] + $at["DLmw"] }' "$1"
}

# The TOP functions with the most instructions, summed over the inlined code cachegrind files
# under other source files.
top_functions() {
  cg_annotate --show=Ir --threshold=0.01 --show-percs=no --auto=no "$1" 2>/dev/null |
    awk '/^ *[0-9][0-9,]* +[^ ]+:/ {
           n = $1; gsub(",", "", n); name = $0; sub(/^ *[0-9,]+ +[^:]*:/, "", name)
           sum[name] += n
         }
         END { for (f in sum) printf "%d %s\n", sum[f], f }' |
    sort -rn | awk -v top="$TOP" 'NR <= top { n = $1; $1 = ""; printf "  %9.2fM%s\n", n / 1e6, $0 }'
}

# Counts for one binary on one workspace: "instructions d1 ll".
count() {
  local bin=$1 ws=$2 out=$3
  valgrind --tool=cachegrind --cache-sim=yes --LL="$LL" --cachegrind-out-file="$out" \
    "$bin" check "$ws" >/dev/null 2>"$out.log" || true
  if ! grep -q '^summary:' "$out"; then
    echo "cachegrind gave no counts for $bin on $ws; see $out.log" >&2
    exit 2
  fi
  summary "$out"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'; }

echo "| components | instructions | D1 misses | LL misses |$([ -n "$BASE" ] && echo " base instructions | base LL misses | instructions ratio | LL ratio |")"
echo "|---:|---:|---:|---:|$([ -n "$BASE" ] && echo "---:|---:|---:|---:|")"
for n in $SIZES; do
  ws=$TMP/ws$n
  "$GEN" --components "$n" --seed "$SEED" --out "$ws" >/dev/null
  read -r ir d1 ll < <(count "$ARCHC" "$ws" "$TMP/new$n.out")
  row="| $n | $ir | $d1 | $ll |"
  if [ -n "$BASE" ]; then
    read -r bir _ bll < <(count "$BASE" "$ws" "$TMP/base$n.out")
    row="$row $bir | $bll | $(ratio "$ir" "$bir") | $(ratio "$ll" "$bll") |"
  fi
  echo "$row"
  if [ "$TOP" -gt 0 ]; then
    top_functions "$TMP/new$n.out" >"$TMP/top$n.txt"
  fi
done
if [ "$TOP" -gt 0 ]; then
  for n in $SIZES; do
    echo
    echo "Most instructions at $n components:"
    cat "$TMP/top$n.txt"
  done
fi
