#!/usr/bin/env bash
# Builds the container image (deploy/Dockerfile) with podman from a debian:bookworm base made
# locally by mmdebstrap, runs the image's gateway against the simulator on loopback, checks gRPC
# health, makes one ListPorts call with the image's hss-ports, and stops the gateway (SIGTERM).
#
# Usage: deploy/image-smoke.sh            (from anywhere; root, or podman/mmdebstrap installed)
# Exit status: 0 passed, or "skipped: <why>" when podman, runc or mmdebstrap cannot be installed;
# 1 a step failed (the step and its output are printed).
# Environment:
#   HSS_IMAGE_CACHE  base-image tarball folder (default ~/.cache/hss-image; never the repository)
#   HSS_SIM_BIN      simulator binary (default: build/debug/sim/hss-sim, built if missing)
#   HSS_SMOKE_RUN    podman (default) or chroot: how the image's binaries are run
#   CCACHE_DIR       host ccache bound on /ccache during the build (default ~/.cache/ccache)
# Python is /usr/bin/python3 (Debian's, with python3-grpcio from scripts/install-deps.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
image=localhost/hss-gateway:smoke
cache="${HSS_IMAGE_CACHE:-$HOME/.cache/hss-image}"
ccache_dir="${CCACHE_DIR:-$HOME/.cache/ccache}"
run_mode="${HSS_SMOKE_RUN:-podman}"
token=smoke-token
project=smoke-project
start=$SECONDS

say() { echo "image-smoke: $*"; }
fail() {
  say "FAILED: $*"
  exit 1
}

# --- tools: podman (+ runc: crun cannot start containers on cgroup v1 hybrid hosts), mmdebstrap.
need=()
for tool in podman runc mmdebstrap; do command -v "$tool" >/dev/null || need+=("$tool"); done
if ((${#need[@]})); then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    say "skipped: ${need[*]} missing and cannot be installed (not root or no apt-get)"
    exit 0
  fi
  say "installing ${need[*]}"
  if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${need[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${need[@]}" >/dev/null 2>&1; }; }; then
    say "skipped: apt-get could not install ${need[*]}"
    exit 0
  fi
fi

# --- base image: debian:bookworm (and -slim, the same minbase root) from Debian packages.
if ! podman image exists docker.io/library/debian:bookworm; then
  mkdir -p "$cache"
  if [ ! -s "$cache/bookworm.tar" ]; then
    say "mmdebstrap bookworm (minbase) -> $cache/bookworm.tar"
    sources=/etc/apt/sources.list.d/debian.sources
    [ -f "$sources" ] || sources=/etc/apt/sources.list
    nice -n 19 mmdebstrap --quiet --variant=minbase --format=tar bookworm \
      "$cache/bookworm.tar.part" "$sources" || fail "mmdebstrap"
    mv "$cache/bookworm.tar.part" "$cache/bookworm.tar"
  fi
  podman import --quiet --change 'CMD ["/bin/bash"]' "$cache/bookworm.tar" \
    docker.io/library/debian:bookworm >/dev/null || fail "podman import"
  podman tag docker.io/library/debian:bookworm docker.io/library/debian:bookworm-slim
fi
say "base image ready ($((SECONDS - start)) s)"

# --- build: chroot isolation runs RUN steps without an OCI runtime.
mkdir -p "$ccache_dir"
t=$SECONDS
nice -n 19 podman build --quiet --isolation=chroot --pull=never -v "$ccache_dir:/ccache" \
  -f deploy/Dockerfile -t "$image" . >/tmp/hss-image-smoke-build.$$.log 2>&1 ||
  { tail -40 /tmp/hss-image-smoke-build.$$.log; fail "podman build (log above)"; }
rm -f /tmp/hss-image-smoke-build.$$.log
say "image built in $((SECONDS - t)) s: $(podman image inspect --format '{{.Size}}' "$image") bytes"

# --- how the image's binaries run. podman run needs runc and rlimits no higher than the
# host's hard limits (this host lacks CAP_SYS_RESOURCE; podman's default is above them).
nofile="$(ulimit -Hn)"
[ "$nofile" = unlimited ] && nofile=1048576
podman_run=(podman run --rm --runtime=runc --network=host --ulimit "nofile=$nofile:$nofile"
  --ulimit nproc=4096:4096)
root=""
cleanup() {
  [ -n "${sim_pid:-}" ] && kill "$sim_pid" 2>/dev/null
  podman rm -f hss-smoke-$$ >/dev/null 2>&1
  [ -n "${gw_pid:-}" ] && kill "$gw_pid" 2>/dev/null
  [ -n "$root" ] && podman image unmount "$image" >/dev/null 2>&1
  rm -f /tmp/hss-smoke-*.$$
}
trap cleanup EXIT
if [ "$run_mode" = podman ] && ! "${podman_run[@]}" --entrypoint /bin/true "$image" \
  >/tmp/hss-smoke-probe.$$ 2>&1; then
  say "podman run does not work here, running from the image's root with chroot:"
  sed 's/^/  /' /tmp/hss-smoke-probe.$$
  run_mode=chroot
fi
if [ "$run_mode" = chroot ]; then
  root="$(podman image mount "$image")" || fail "podman image mount"
fi
# in_image BINARY ARGS...: runs one of the image's binaries as its user 10001, on the host network.
in_image() {
  local bin="$1"
  shift
  if [ "$run_mode" = podman ]; then
    "${podman_run[@]}" -e HSS_AUTH_TOKEN="$token" --entrypoint "$bin" "$image" "$@"
  else
    HSS_AUTH_TOKEN="$token" chroot --userspec=10001:10001 "$root" "$bin" "$@"
  fi
}

# --- every library resolves inside the image.
missing_libs="$(in_image /usr/bin/ldd /usr/local/bin/hss-gateway /usr/local/bin/hss-ports |
  grep 'not found')"
[ -z "$missing_libs" ] || fail "libraries missing in the image: $missing_libs"
say "ldd: every library of hss-gateway and hss-ports is in the image ($run_mode)"

# --- the simulator (host build) and the image's gateway, both on loopback.
sim_bin="${HSS_SIM_BIN:-$repo/build/debug/sim/hss-sim}"
if [ ! -x "$sim_bin" ]; then
  say "building hss-sim (debug preset)"
  export CCACHE_BASEDIR="$repo" CCACHE_NOHASHDIR=1
  { cmake --preset debug && nice -n 19 cmake --build --preset debug --target hss-sim; } \
    >/dev/null || fail "building hss-sim"
fi
HSS_SIM_TOKEN="$token" "$sim_bin" --listen=127.0.0.1:0 --auth=token \
  >/tmp/hss-smoke-sim.$$ 2>&1 &
sim_pid=$!
for _ in $(seq 50); do
  grep -q ':[0-9]' /tmp/hss-smoke-sim.$$ 2>/dev/null && break
  sleep 0.1
done
sim_port="$(head -1 /tmp/hss-smoke-sim.$$ | sed 's/.*://')"
[[ "$sim_port" =~ ^[0-9]+$ ]] || fail "simulator did not start: $(cat /tmp/hss-smoke-sim.$$)"
gw_port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
gw_args=(--listen="127.0.0.1:$gw_port" --endpoint="http://127.0.0.1:$sim_port"
  --project_id="$project")
if [ "$run_mode" = podman ]; then
  podman run -d --name hss-smoke-$$ --runtime=runc --network=host \
    --ulimit "nofile=$nofile:$nofile" --ulimit nproc=4096:4096 "$image" "${gw_args[@]}" \
    >/dev/null || fail "podman run of the gateway"
  gw_logs() { podman logs hss-smoke-$$ 2>&1; }
else
  # chroot execs the gateway, so $! is the gateway itself (a function would be a subshell).
  chroot --userspec=10001:10001 "$root" /usr/local/bin/hss-gateway "${gw_args[@]}" \
    >/tmp/hss-smoke-gw.$$ 2>&1 &
  gw_pid=$!
  gw_logs() { cat /tmp/hss-smoke-gw.$$; }
fi
say "simulator on 127.0.0.1:$sim_port, gateway (image, $run_mode) on 127.0.0.1:$gw_port"

# --- gRPC health (grpc.health.v1.Health/Check, overall server): SERVING is bytes 08 01.
/usr/bin/python3 - "$gw_port" <<'EOF' || { gw_logs; fail "health check"; }
import sys, time
import grpc
channel = grpc.insecure_channel(f"127.0.0.1:{sys.argv[1]}")
check = channel.unary_unary("/grpc.health.v1.Health/Check")
deadline = time.monotonic() + 20
while True:
    try:
        reply = check(b"", timeout=2)
        if reply == b"\x08\x01":
            print("image-smoke: health: SERVING")
            break
        error = f"status bytes {reply!r}"
    except grpc.RpcError as e:
        error = f"{e.code().name}: {e.details()}"
    if time.monotonic() > deadline:
        sys.exit(f"image-smoke: health never SERVING: {error}")
    time.sleep(0.2)
EOF

# --- one ListPorts with the image's client.
list_out="$(in_image /usr/local/bin/hss-ports list --target="127.0.0.1:$gw_port" \
  --host_id=smoke-host --output=json 2>&1)" || { gw_logs; fail "ListPorts: $list_out"; }
echo "$list_out" | /usr/bin/python3 -c '
import json, sys
reply = json.load(sys.stdin)
ports = reply["data_list"]
assert ports and all(p["host_id"] == "smoke-host" for p in ports), "no ports of smoke-host"
print("image-smoke: ListPorts: %d ports of %d" % (len(ports), reply["total_num"]))
' || fail "ListPorts answer: $(echo "$list_out" | head -c 2000)"

# --- stop: SIGTERM, the gateway drains and exits 0.
if [ "$run_mode" = podman ]; then
  podman stop -t 30 hss-smoke-$$ >/dev/null
  code="$(podman inspect --format '{{.State.ExitCode}}' hss-smoke-$$)"
else
  kill -TERM "$gw_pid"
  wait "$gw_pid"
  code=$?
  gw_pid=""
fi
[ "$code" = 0 ] || { gw_logs; fail "gateway exited $code after SIGTERM"; }
say "gateway stopped (exit 0)"
say "passed in $((SECONDS - start)) s ($run_mode)"
