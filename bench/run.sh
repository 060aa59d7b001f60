#!/usr/bin/env bash
# End-to-end timings of the archc binary on generated workspaces.
#
#   bench/run.sh                        # sizes 100 1000 10000 100000, 5 runs each
#   SIZES="100 1000" RUNS=7 bench/run.sh
#   COMMANDS="check" OUT=/tmp/check.md bench/run.sh   # some of check, fmt --check, build (commas)
#
# Builds the release binary and the generator, writes one workspace per size into a temporary
# folder (seed 1), then runs `archc check`, `archc fmt --check` and `archc build -o DIR` RUNS times
# each under `/usr/bin/time -v`, and prints a Markdown table of the median wall time and peak
# memory (maximum resident set size) with the ratio of each size to the previous one. The table
# goes to stdout and to bench/results.md.
#
# A run that takes longer than TIMEOUT seconds (default 300) is killed; its size is reported as
# "> TIMEOUT s" and the larger sizes of that command are skipped. The 1-minute load average is
# recorded before every row; rows taken with a load above LOAD_LIMIT (default 1.0: this script
# alone keeps one core busy) are marked "under load".
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${SIZES:-"100 1000 10000 100000"}
RUNS=${RUNS:-5}
TIMEOUT=${TIMEOUT:-300}
LOAD_LIMIT=${LOAD_LIMIT:-1.0}
SEED=${SEED:-1}
OUT=${OUT:-bench/results.md}

if [ ! -x /usr/bin/time ]; then
  echo "bench/run.sh needs GNU time at /usr/bin/time (Debian: apt-get install time)" >&2
  exit 2
fi

echo "building the release binary and the generator..." >&2
cargo build --release --quiet --bin archc --example gen-workspace
ARCHC=$PWD/target/release/archc
GEN=$PWD/target/release/examples/gen-workspace

TMP=$(mktemp -d "${TMPDIR:-/tmp}/archc-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

load1() { cut -d' ' -f1 /proc/loadavg; }

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# fmt_secs SECONDS -> "12.3 ms" or "4.56 s"
fmt_secs() { awk -v s="$1" 'BEGIN { if (s < 1) printf "%.1f ms", s * 1000; else printf "%.2f s", s }'; }
fmt_mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }'; }

# run_once SIZE OUTDIR ARGS... -> prints "SECONDS KB" or "timeout" or "failed CODE"
run_once() {
  local stats=$TMP/stats
  local code=0 t0 t1
  t0=$EPOCHREALTIME
  /usr/bin/time -v -o "$stats" timeout -s KILL "$TIMEOUT" "$ARCHC" "$@" >/dev/null 2>"$TMP/stderr" || code=$?
  t1=$EPOCHREALTIME
  # GNU time reports a child killed by a signal as "Command terminated by signal 9".
  if grep -q "Command terminated by signal" "$stats" || [ "$code" -eq 137 ]; then
    echo timeout
    return
  fi
  # 0: clean, 1: findings (a generated workspace may have a warning or two); anything else failed.
  if [ "$code" -gt 1 ]; then
    echo "failed $code"
    sed 's/^/    /' "$TMP/stderr" | tail -5 >&2
    return
  fi
  local wall kb
  # Wall time from the shell's clock (microseconds; /usr/bin/time rounds to 10 ms).
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
  kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$stats")
  echo "$wall $kb"
}

for n in $SIZES; do
  echo "generating $n components..." >&2
  "$GEN" --components "$n" --seed "$SEED" --out "$TMP/ws$n" >/dev/null
done

IFS=',' read -r -a COMMANDS <<<"${COMMANDS:-check,fmt --check,build}"
{
  echo "## archc end to end ($(date -u +%Y-%m-%d), $(nproc) cores, seed $SEED)"
  echo
  echo "Median of $RUNS runs of the release binary. Wall time from the shell's clock (it includes"
  echo "starting \`time\` and \`timeout\`, about 1 ms); peak memory (maximum resident set size) from"
  echo "\`/usr/bin/time -v\`. \"x prev\" is the ratio to the next smaller size (10x the components:"
  echo "about 10x is linear). Load: the 1-minute load average before the row's runs; \"under load\""
  echo "marks rows taken with a load above $LOAD_LIMIT (other work on the machine)."
  echo
  echo "| command | components | median wall | min - max | x prev | peak memory | load | |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
} | tee "$OUT"

for cmd in "${COMMANDS[@]}"; do
  prev=""
  gave_up=""
  for n in $SIZES; do
    if [ -n "$gave_up" ]; then
      echo "| \`archc $cmd\` | $n | skipped | | | | | $gave_up |" | tee -a "$OUT"
      continue
    fi
    load=$(load1)
    walls=()
    kbs=()
    note=""
    for ((r = 1; r <= RUNS; r++)); do
      case $cmd in
        build) result=$(run_once build "$TMP/ws$n" -o "$TMP/out$n") ;;
        *) result=$(run_once $cmd "$TMP/ws$n") ;;
      esac
      echo "  archc $cmd $n run $r: $result" >&2
      case $result in
        timeout)
          note="killed after ${TIMEOUT} s"
          break
          ;;
        failed*)
          note="$result"
          break
          ;;
      esac
      walls+=("${result% *}")
      kbs+=("${result#* }")
    done
    rm -rf "$TMP/out$n"
    if [ -n "$note" ]; then
      echo "| \`archc $cmd\` | $n | > $TIMEOUT s | | | | $load | $note |" | tee -a "$OUT"
      gave_up="$n did not finish"
      continue
    fi
    med=$(printf '%s\n' "${walls[@]}" | median)
    lo=$(printf '%s\n' "${walls[@]}" | sort -g | head -1)
    hi=$(printf '%s\n' "${walls[@]}" | sort -g | tail -1)
    kb=$(printf '%s\n' "${kbs[@]}" | median)
    growth=$([ -n "$prev" ] && ratio "$med" "$prev" || echo "")
    mark=$(awk -v l="$load" -v m="$LOAD_LIMIT" 'BEGIN { if (l > m) print "under load" }')
    echo "| \`archc $cmd\` | $n | $(fmt_secs "$med") | $(fmt_secs "$lo") - $(fmt_secs "$hi") | $growth | $(fmt_mib "$kb") | $load | $mark |" | tee -a "$OUT"
    prev=$med
  done
done

{
  echo
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee -a "$OUT"
