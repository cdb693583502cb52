#!/usr/bin/env bash
# The main job, on one machine: install what is missing, build, start the HSS
# simulator and the gateway on loopback, and list a server's open ports through
# the gateway with the hss-ports client (unary, then a full streamed walk).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release hss-gateway hss-sim hss-ports
bin=build/release

logs=$(mktemp -d)
cleanup() {
  for f in "$logs"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# Starts "$@" in the background and waits for its "listening on ...:PORT" line; prints PORT.
start() {
  local name=$1
  shift
  "$@" >"$logs/$name.out" 2>"$logs/$name.err" &
  echo $! >"$logs/$name.pid"
  for _ in $(seq 100); do
    if grep -q 'listening on' "$logs/$name.out" 2>/dev/null; then
      sed -n 's/.*:\([0-9][0-9]*\)$/\1/p' "$logs/$name.out" | head -n 1
      return
    fi
    sleep 0.1
  done
  echo "$name did not start; its log:" >&2
  cat "$logs/$name.err" >&2
  exit 1
}

sim_port=$(start sim "$bin/sim/hss-sim" --listen=127.0.0.1:0 --hosts=demo-host:1234)
gw_port=$(start gw "$bin/server/hss-gateway" --listen=127.0.0.1:0 \
  --endpoint="http://127.0.0.1:$sim_port" --auth=passthrough --project_id=demo-project \
  --drain_prestop=0s)
echo "hss-sim on 127.0.0.1:$sim_port, hss-gateway on 127.0.0.1:$gw_port (logs in $logs)"
echo

export HSS_AUTH_TOKEN=demo-token
echo "\$ hss-ports list --target=127.0.0.1:$gw_port --host_id=demo-host --limit=10"
"$bin/client/hss-ports" list --target="127.0.0.1:$gw_port" --host_id=demo-host --limit=10
echo
echo "\$ hss-ports stream --target=127.0.0.1:$gw_port --host_id=demo-host --output=jsonl | wc -l"
"$bin/client/hss-ports" stream --target="127.0.0.1:$gw_port" --host_id=demo-host --output=jsonl | wc -l
echo
echo "\$ hss-ports list --target=127.0.0.1:$gw_port --host_id=demo-host --limit=5   # an invalid request"
"$bin/client/hss-ports" list --target="127.0.0.1:$gw_port" --host_id=demo-host --limit=5 || true
