#!/usr/bin/env python3
"""Runs one client example against hss-sim + hss-gateway started on loopback (a CTest test).

Starts hss-sim (token auth, one host of a known size) and hss-gateway (passthrough
auth) on 127.0.0.1 with port 0, reads the port each one prints on its
"listening on" line, runs the example with --target/--host_id/--expect_total and
the token in $HSS_AUTH_TOKEN, stops both and exits with the example's exit code
(1 if anything else failed).

Usage: run_example.py python|node GATEWAY_BIN SIM_BIN

python: generates the stubs with protoc + grpc_python_plugin into a temporary
directory and runs python/ports_example.py with Debian's /usr/bin/python3.
node: runs node/ports_example.js; needs `node` and `npm ci` in client/examples/node.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

EXAMPLES_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(os.path.dirname(EXAMPLES_DIR))
PROTO_DIR = os.path.join(REPO_DIR, "proto")
HOST_ID = "example-host"
HOST_PORTS = 57  # Not a multiple of the page sizes, so the last page is short.
TOKEN = "example-token"
START_TIMEOUT = 30  # seconds


class Child:
    """A started server: its process, its port and the log of its stderr."""

    def __init__(self, argv, log_path, env=None):
        self.name = os.path.basename(argv[0])
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.log, env=env,
                                        text=True)
        self.port = None
        got_line = threading.Event()
        self.reader = threading.Thread(target=self._read_stdout, args=(got_line,), daemon=True)
        self.reader.start()
        if not got_line.wait(START_TIMEOUT) or self.port is None:
            self.stop()
            raise RuntimeError(f"{self.name} printed no 'listening on' line; its log:\n"
                               f"{self.log_text()}")

    def _read_stdout(self, got_line):
        # The first line says where it listens; later lines are drained so the
        # child never blocks on a full pipe.
        for line in self.process.stdout:
            if self.port is None:
                match = re.search(r"listening on \S*:(\d+)\s*$", line)
                if match:
                    self.port = int(match.group(1))
                got_line.set()
        got_line.set()

    def log_text(self):
        self.log.flush()
        with open(self.log_path) as log:
            return log.read()[-4000:]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def python_command(work_dir):
    """Generates the Python stubs and returns the command that runs the example."""
    gen_dir = os.path.join(work_dir, "gen")
    os.mkdir(gen_dir)
    google_rpc = sorted(os.path.join(PROTO_DIR, "google", "rpc", name)
                        for name in os.listdir(os.path.join(PROTO_DIR, "google", "rpc"))
                        if name.endswith(".proto"))
    subprocess.run(["protoc", f"--python_out={gen_dir}", f"--grpc_out={gen_dir}",
                    "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin", "-I", PROTO_DIR,
                    os.path.join(PROTO_DIR, "hss", "ports", "v1", "ports.proto"), *google_rpc],
                   check=True)
    # Debian's python3-grpcio and python3-protobuf are for /usr/bin/python3, which
    # need not be the python3 first on PATH.
    return ["/usr/bin/python3", os.path.join(EXAMPLES_DIR, "python", "ports_example.py")], {
        "PYTHONPATH": gen_dir}


def node_command(work_dir):
    """Returns the command that runs the Node.js example, or exits if it cannot run."""
    node_dir = os.path.join(EXAMPLES_DIR, "node")
    node = shutil.which("node")
    if node is None:
        sys.exit("node not found: install Node.js (scripts/install-deps.sh does) to run the "
                 "Node.js example")
    if not os.path.isdir(os.path.join(node_dir, "node_modules", "@grpc", "grpc-js")):
        sys.exit(f"{node_dir}/node_modules is missing: run `npm ci --no-audit --no-fund` there "
                 "(scripts/install-deps.sh does; CI installs it)")
    return [node, os.path.join(node_dir, "ports_example.js"), f"--proto_dir={PROTO_DIR}"], {}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("python", "node"):
        sys.exit(__doc__)
    language, gateway_bin, sim_bin = sys.argv[1:4]
    with tempfile.TemporaryDirectory(prefix=f"hss-example-{language}-") as work_dir:
        command, extra_env = (python_command if language == "python" else node_command)(work_dir)
        children = []
        try:
            sim = Child([sim_bin, "--listen=127.0.0.1:0", "--auth=token",
                         f"--hosts={HOST_ID}:{HOST_PORTS}"],
                        os.path.join(work_dir, "sim.log"), dict(os.environ, HSS_SIM_TOKEN=TOKEN))
            children.append(sim)
            gateway = Child([gateway_bin, "--listen=127.0.0.1:0",
                             f"--endpoint=http://127.0.0.1:{sim.port}", "--auth=passthrough",
                             "--project_id=example-project", "--drain_prestop=0s"],
                            os.path.join(work_dir, "gateway.log"))
            children.append(gateway)
            argv = command + [f"--target=127.0.0.1:{gateway.port}", f"--host_id={HOST_ID}",
                              f"--expect_total={HOST_PORTS}"]
            print("+ HSS_AUTH_TOKEN=...", " ".join(argv), flush=True)
            env = dict(os.environ, HSS_AUTH_TOKEN=TOKEN, **extra_env)
            result = subprocess.run(argv, env=env, timeout=120)
            if result.returncode != 0:
                print(f"the {language} example failed (exit {result.returncode}); "
                      f"hss-gateway's log:\n{gateway.log_text()}", file=sys.stderr)
            return 1 if result.returncode != 0 else 0
        finally:
            for child in reversed(children):
                child.stop()


if __name__ == "__main__":
    sys.exit(main())
