#!/usr/bin/env python3
"""A gRPC client in another language, built only from the project's .proto files.

Generates Python stubs from proto/ with protoc, starts hss-sim and hss-gateway on
loopback, and checks that the ports arrive typed and that errors carry
google.rpc details any standard decoder reads.

Usage: python_client_test.py GATEWAY_BIN SIM_BIN PROTO_DIR
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

GATEWAY, SIM, PROTO_DIR = sys.argv[1:4]
del sys.argv[1:4]


def generate_stubs(out_dir):
    protos = ["hss/ports/v1/ports.proto", "google/rpc/status.proto", "google/rpc/error_details.proto"]
    subprocess.run(
        ["protoc", f"--proto_path={PROTO_DIR}", f"--python_out={out_dir}", f"--grpc_out={out_dir}",
         "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin", *protos],
        check=True)
    # No __init__.py: namespace packages, so that the generated google.rpc merges
    # with the installed google.protobuf instead of hiding it.
    sys.path.insert(0, out_dir)


def start(argv, env=None):
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=env, text=True)
    line = proc.stdout.readline()
    match = re.search(r":(\d+)$", line.strip())
    if not match:
        proc.kill()
        raise RuntimeError(f"{argv[0]} did not start: {line!r}")
    return proc, int(match.group(1))


class PythonClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        generate_stubs(cls.tmp.name)
        global grpc, ports_pb2, ports_pb2_grpc, status_pb2, error_details_pb2
        import grpc
        from hss.ports.v1 import ports_pb2, ports_pb2_grpc
        from google.rpc import status_pb2, error_details_pb2
        env = dict(os.environ, HSS_SIM_TOKEN="py-token")
        cls.sim, cls.sim_port = start([SIM, "--listen=127.0.0.1:0", "--auth=token",
                                       "--hosts=py-host:25,py-watch:15"], env)
        cls.gateway, cls.gateway_port = start(
            [GATEWAY, "--listen=127.0.0.1:0", f"--endpoint=http://127.0.0.1:{cls.sim_port}",
             "--auth=passthrough", "--project_id=py-project", "--drain_prestop=0s",
             "--watch_min_interval=1s", "--watch_default_interval=1s"])
        cls.channel = grpc.insecure_channel(f"127.0.0.1:{cls.gateway_port}")
        cls.stub = ports_pb2_grpc.PortServiceStub(cls.channel)
        cls.metadata = [("x-auth-token", "py-token")]

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        for proc in (cls.gateway, cls.sim):
            proc.terminate()
            proc.wait(timeout=10)
        cls.tmp.cleanup()

    def sim_control(self, method, path, body=None):
        request = urllib.request.Request(f"http://127.0.0.1:{self.sim_port}{path}", method=method,
                                         data=body.encode() if body else None,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()

    def test_ports_arrive_typed(self):
        request = ports_pb2.ListPortsRequest(host_id="py-host", limit=20)
        response = self.stub.ListPorts(request, metadata=self.metadata, timeout=10)
        self.assertEqual(response.total_num, 25)
        self.assertEqual(len(response.data_list), 20)
        for port in response.data_list:
            self.assertEqual(port.host_id, "py-host")
            self.assertIn(port.type, (ports_pb2.PROTOCOL_TCP, ports_pb2.PROTOCOL_UDP))
            self.assertTrue(1 <= port.port <= 65535)

    def test_stream_walks_every_page(self):
        request = ports_pb2.StreamPortsRequest(host_id="py-host", page_size=10)
        messages = list(self.stub.StreamPorts(request, metadata=self.metadata, timeout=10))
        self.assertEqual([m.offset for m in messages], [0, 10, 20])
        self.assertEqual(sum(len(m.ports) for m in messages), 25)

    def error_details(self, error):
        trailers = dict(error.trailing_metadata())
        status = status_pb2.Status.FromString(trailers["grpc-status-details-bin"])
        self.assertEqual(status.code, error.code().value[0])
        details = {}
        for any_detail in status.details:
            for message_type in (error_details_pb2.ErrorInfo, error_details_pb2.RetryInfo,
                                 error_details_pb2.RequestInfo, error_details_pb2.BadRequest):
                if any_detail.Is(message_type.DESCRIPTOR):
                    message = message_type()
                    any_detail.Unpack(message)
                    details[message_type.DESCRIPTOR.name] = message
        return details

    def test_invalid_request_has_bad_request_details(self):
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.ListPorts(ports_pb2.ListPortsRequest(limit=3), metadata=self.metadata,
                                timeout=10)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        details = self.error_details(caught.exception)
        fields = {v.field for v in details["BadRequest"].field_violations}
        self.assertEqual(fields, {"host_id", "limit"})

    def test_throttling_has_retry_and_request_info(self):
        # HSS keeps throttling and asks for 2 s; the caller allows 1 s, so the gateway does not
        # wait for a retry it cannot make: it answers at once, saying when to retry.
        self.sim_control("POST", "/_sim/faults",
                         '{"times":-1,"status":429,"error_code":"APIG.0308",'
                         '"error_msg":"throttled","retry_after":"2"}')
        try:
            with self.assertRaises(grpc.RpcError) as caught:
                self.stub.ListPorts(ports_pb2.ListPortsRequest(host_id="py-host"),
                                    metadata=self.metadata, timeout=1)
        finally:
            self.sim_control("DELETE", "/_sim/faults")
        self.assertEqual(caught.exception.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)
        details = self.error_details(caught.exception)
        self.assertEqual(details["ErrorInfo"].reason, "UPSTREAM_THROTTLED")
        self.assertEqual(details["ErrorInfo"].domain, "hss-gateway.hss.ports.v1")
        self.assertEqual(details["ErrorInfo"].metadata["upstreamErrorCode"], "APIG.0308")
        self.assertEqual(details["RetryInfo"].retry_delay.seconds, 2)
        self.assertTrue(details["RequestInfo"].request_id)

    def test_watch_sends_the_snapshot_then_the_changes(self):
        watch = self.stub.WatchPorts(ports_pb2.WatchPortsRequest(host_id="py-watch"),
                                     metadata=self.metadata, timeout=30)
        try:
            first = next(watch)
            self.assertTrue(first.reset)
            self.assertTrue(first.synced)
            self.assertEqual(first.interval_seconds, 1)
            self.assertEqual(first.total_num, len(first.changes))
            self.assertTrue(all(c.kind == ports_pb2.PortChange.KIND_ADDED for c in first.changes))
            self.sim_control("POST", "/_sim/hosts/py-watch/changes",
                             '{"op":"open","type":"TCP","port":65001,"laddr":"127.0.0.1"}')
            change = next(watch)
            self.assertFalse(change.reset)
            self.assertTrue(change.synced)
            self.assertEqual([(c.kind, c.port.port) for c in change.changes],
                             [(ports_pb2.PortChange.KIND_ADDED, 65001)])
            self.assertEqual(change.total_num, first.total_num + 1)
        finally:
            watch.cancel()


if __name__ == "__main__":
    unittest.main(verbosity=2)
