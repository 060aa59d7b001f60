#!/usr/bin/env bash
# archc against its peers on the same generated model, on this machine, in one run:
#   - LikeC4 (`likec4 validate --no-layout`) against `archc check`;
#   - D2 (the WASM build of npm @terrastruct/d2: compile and render one SVG) against `archc build`
#     (which draws every view to SVG and writes the report and model.json besides).
#
#   bench/peers/run.sh                              # sizes 100 1000 10000, 3 runs each
#   SIZES="100 1000" RUNS=5 LIMIT=600 bench/peers/run.sh
#   PEERS=likec4 SIZES="1000 10000" bench/peers/run.sh   # only `archc check` against LikeC4
#
# For each size: generates the archc workspace (seed 1), exports it with `archc export --to json`
# and writes the LikeC4 project and the D2 file with convert.mjs (components, datastores, actors,
# externals, the system and every `uses` and flow step as an edge). Then RUNS rounds, each running
# a peer and then archc, alternately, so that both see the same load. Every run is killed after
# LIMIT seconds (default 300; LikeC4 ignores SIGTERM while busy, hence SIGKILL); a peer that is
# killed or takes longer than LONG seconds (default 60) gets no further rounds at that size, and a
# killed peer is not run at the larger sizes. Writes a Markdown table of medians and ratios (peer
# time / archc time) to stdout and to bench/peers/results.md.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SIZES=${SIZES:-"100 1000 10000"}
RUNS=${RUNS:-3}
LIMIT=${LIMIT:-300}
LONG=${LONG:-60}
SEED=${SEED:-1}
PEERS=${PEERS:-"likec4 d2"}
OUT=${OUT:-$HERE/results.md}

cd "$HERE"
if [ ! -x node_modules/.bin/likec4 ] || [ ! -d node_modules/@terrastruct/d2 ]; then
  echo "installing the peers (npm ci)..." >&2
  npm ci --no-audit --no-fund >&2
fi
LIKEC4=$HERE/node_modules/.bin/likec4

echo "building the release binary and the generator..." >&2
(cd "$ROOT" && cargo build --release --quiet --bin archc --example gen-workspace)
ARCHC=$ROOT/target/release/archc
GEN=$ROOT/target/release/examples/gen-workspace

TMP=$(mktemp -d "${TMPDIR:-/tmp}/archc-peers.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

load1() { cut -d' ' -f1 /proc/loadavg; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
fmt_secs() { awk -v s="$1" 'BEGIN { if (s < 1) printf "%.1f ms", s * 1000; else printf "%.2f s", s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) { r = a / b; if (r >= 10) printf "%.0fx", r; else printf "%.1fx", r } else print "-" }'; }

# timed LOG MAXCODE CMD... -> prints the wall seconds, or "killed", or "failed CODE" (an exit code
# above MAXCODE: 0 for the peers, 1 for archc, whose 1 means findings); output goes to LOG
timed() {
  local log=$1 max=$2 code=0 t0 t1
  shift 2
  t0=$EPOCHREALTIME
  timeout -s KILL "$LIMIT" "$@" >"$log" 2>&1 || code=$?
  t1=$EPOCHREALTIME
  if [ "$code" -eq 137 ]; then
    echo killed
  elif [ "$code" -gt "$max" ]; then
    echo "failed (exit $code after $(fmt_secs "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"))"
  else
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
  fi
}

# LikeC4 exits 0 even when the model is invalid: make sure this one was valid.
likec4_valid() { grep -q "Valid" "$1" && ! grep -q "Invalid" "$1"; }

{
  echo "## archc and its peers ($(date -u +%Y-%m-%d), $(nproc) cores, seed $SEED)"
  echo
  echo "Peer and archc run alternately, $RUNS rounds at most (1 once a run takes over $LONG s); median"
  echo "wall time of the whole process; ratio = peer / archc. Every run is killed after $LIMIT s."
  echo "Load: the 1-minute load average before the size's first round."
  echo
  echo "| components | peer | peer median | runs | archc | archc median | runs | ratio | load | notes |"
  echo "|---:|---|---:|---:|---|---:|---:|---:|---:|---|"
} | tee "$OUT"

declare -A gave_up=()
for n in $SIZES; do
  ws=$TMP/ws$n
  echo "generating and converting $n components..." >&2
  "$GEN" --components "$n" --seed "$SEED" --out "$ws" >/dev/null
  "$ARCHC" export "$ws" --to json -o "$TMP/model$n.json"
  counts=$(node "$HERE/convert.mjs" "$TMP/model$n.json" "$TMP/peers$n")
  echo "  $counts" >&2
  load=$(load1)

  for peer in $PEERS; do
    if [ -n "${gave_up[$peer]:-}" ]; then
      echo "| $n | $peer | skipped | | | | | | $load | ${gave_up[$peer]} |" | tee -a "$OUT"
      continue
    fi
    peer_times=()
    archc_times=()
    note=""
    for ((r = 1; r <= RUNS; r++)); do
      case $peer in
        likec4)
          t=$(timed "$TMP/peer.log" 0 "$LIKEC4" validate --no-layout "$TMP/peers$n/likec4")
          if [[ $t != killed && $t != failed* ]] && ! likec4_valid "$TMP/peer.log"; then
            t="invalid"
            tail -5 "$TMP/peer.log" >&2
          fi
          a=$(timed "$TMP/archc.log" 1 "$ARCHC" check "$ws")
          archc_cmd="archc check"
          ;;
        d2)
          t=$(timed "$TMP/peer.log" 0 node "$HERE/d2.mjs" "$TMP/peers$n/d2/model.d2" "$TMP/d2-$n.svg")
          [[ $t == killed || $t == failed* ]] || echo "    d2 in-process: $(tail -1 "$TMP/peer.log")" >&2
          rm -rf "$TMP/build$n"
          a=$(timed "$TMP/archc.log" 1 "$ARCHC" build "$ws" -o "$TMP/build$n")
          archc_cmd="archc build"
          ;;
      esac
      echo "  $n round $r: $peer $t, $archc_cmd $a" >&2
      [[ $a == killed || $a == failed* ]] || archc_times+=("$a")
      case $t in
        killed)
          note="$peer killed after $LIMIT s"
          gave_up[$peer]="$peer did not finish $n in $LIMIT s"
          break
          ;;
        failed* | invalid)
          # The first line that names an error, else the last line.
          why=$(grep -m1 -iE "error|abort|out of memory" "$TMP/peer.log" || tail -1 "$TMP/peer.log")
          note="$peer $t: $(echo "$why" | tr -d '|' | cut -c1-100)"
          sed 's/^/    /' "$TMP/peer.log" | tail -20 >&2
          gave_up[$peer]="$peer failed at a smaller size"
          break
          ;;
      esac
      peer_times+=("$t")
      if awk -v t="$t" -v l="$LONG" 'BEGIN { exit !(t > l) }'; then
        break
      fi
    done
    [[ $a == killed ]] && note="${note:+$note; }archc killed after $LIMIT s"
    pm=$( ((${#peer_times[@]})) && printf '%s\n' "${peer_times[@]}" | median || echo "")
    am=$( ((${#archc_times[@]})) && printf '%s\n' "${archc_times[@]}" | median || echo "")
    if [ -n "$pm" ]; then
      ps=$(fmt_secs "$pm")
    elif [[ $t == failed* || $t == invalid ]]; then
      ps="failed"
    else
      ps="> $LIMIT s"
    fi
    as=$([ -n "$am" ] && fmt_secs "$am" || echo "> $LIMIT s")
    if [ -n "$pm" ] && [ -n "$am" ]; then
      rs=$(ratio "$pm" "$am")
    elif [ "$ps" != failed ] && [ -z "$pm" ] && [ -n "$am" ]; then
      rs="> $(ratio "$LIMIT" "$am")"
    else
      rs="-"
    fi
    pname=$([ "$peer" = likec4 ] && echo "likec4 validate --no-layout" || echo "d2 (WASM) to SVG")
    echo "| $n | $pname | $ps | ${#peer_times[@]} | $archc_cmd | $as | ${#archc_times[@]} | $rs | $load | $note |" | tee -a "$OUT"
  done
done

{
  echo
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee -a "$OUT"
