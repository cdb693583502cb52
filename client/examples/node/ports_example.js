#!/usr/bin/env node
// Calls hss-gateway's PortService from Node.js: ListPorts, a StreamPorts walk,
// an error. Uses @grpc/grpc-js and @grpc/proto-loader (the .proto files are
// loaded at run time, nothing is generated) and protobufjs to decode the
// google.rpc.Status of an error. Install with `npm ci` in this folder.
//
// Usage:
//   node ports_example.js --target=HOST:PORT --host_id=ID [--token=TOKEN]
//       [--expect_total=N] [--proto_dir=DIR]
//
// The token (or $HSS_AUTH_TOKEN) is sent as `x-auth-token` metadata, which a
// gateway in --auth=passthrough mode forwards to HSS. --proto_dir is the
// project's proto/ folder (default: ../../../proto from this file). Prints what
// it receives; exits 1 if anything is unexpected.
'use strict';

const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

// How long each call may take, in milliseconds.
const CALL_TIMEOUT_MS = 10000;

// The error detail types the gateway sends, by their full protobuf name.
const DETAIL_TYPE_NAMES = [
  'google.rpc.ErrorInfo',
  'google.rpc.RetryInfo',
  'google.rpc.RequestInfo',
  'google.rpc.BadRequest',
];

// The gateway answered something this example did not expect.
class Unexpected extends Error {}

function check(condition, message) {
  if (!condition) throw new Unexpected(message);
}

function parseArgs(argv) {
  const args = {
    token: process.env.HSS_AUTH_TOKEN || '',
    proto_dir: path.join(__dirname, '..', '..', '..', 'proto'),
  };
  for (const arg of argv) {
    const match = /^--([a-z_]+)=(.*)$/.exec(arg);
    if (!match) {
      throw new Error(`unknown argument ${arg}; see the usage at the top of ${__filename}`);
    }
    args[match[1]] = match[2];
  }
  for (const required of ['target', 'host_id']) {
    if (!args[required]) throw new Error(`--${required} is required`);
  }
  return args;
}

// The PortService client class, loaded from ports.proto. Field names as in
// the .proto file (host_id, not hostId), enums as their names
// ("PROTOCOL_TCP"), int64 as strings, unset fields with their defaults.
function loadPortService(protoDir) {
  const definition = protoLoader.loadSync('hss/ports/v1/ports.proto', {
    includeDirs: [protoDir],
    keepCase: true,
    enums: String,
    longs: String,
    defaults: true,
  });
  return grpc.loadPackageDefinition(definition).hss.ports.v1.PortService;
}

// google.rpc.Status and its detail types, loaded with protobufjs.
function loadStatusTypes(protoDir) {
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => path.join(protoDir, target);
  // google/protobuf/any.proto and duration.proto are bundled with protobufjs.
  root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], {keepCase: true});
  root.resolveAll();
  return root;
}

// Promisified unary call.
function unary(client, method, request, metadata) {
  return new Promise((resolve, reject) => {
    client[method](request, metadata, {deadline: Date.now() + CALL_TIMEOUT_MS}, (error, response) =>
      error ? reject(error) : resolve(response));
  });
}

async function listPorts(client, metadata, args) {
  const response = await unary(client, 'ListPorts', {host_id: args.host_id, limit: 20}, metadata);
  const ports = response.data_list;
  console.log(`ListPorts: total_num=${response.total_num}, ${ports.length} ports on this page`);
  for (const port of ports.slice(0, 5)) {
    console.log(`  ${port.type} ${port.laddr}:${port.port} ${port.status} ` +
                `pid=${port.pid} ${port.path}`);
  }
  check(ports.length === Math.min(20, response.total_num),
        `expected ${Math.min(20, response.total_num)} ports on the first page`);
  for (const port of ports) {
    check(port.host_id === args.host_id, `port of another host: ${port.host_id}`);
    check(port.port >= 1 && port.port <= 65535, `port number out of range: ${port.port}`);
  }
  if (args.expect_total !== undefined) {
    check(response.total_num === Number(args.expect_total),
          `total_num ${response.total_num}, expected ${args.expect_total}`);
  }
  return response.total_num;
}

async function streamPorts(client, metadata, args, total) {
  const call = client.StreamPorts({host_id: args.host_id, page_size: 10}, metadata,
                                  {deadline: Date.now() + CALL_TIMEOUT_MS});
  let count = 0;
  let pages = 0;
  // A stream is an async iterable; an error ends it by throwing.
  for await (const page of call) {
    // Each page starts where the previous one ended.
    check(page.offset === count, `page at offset ${page.offset}, expected ${count}`);
    count += page.ports.length;
    pages += 1;
  }
  console.log(`StreamPorts: ${count} ports in ${pages} pages, offsets contiguous`);
  check(count === total, `the walk returned ${count} ports, ListPorts said ${total}`);
}

// The google.rpc.Status of a failed call (its `grpc-status-details-bin`
// trailer, which grpc-js hands over already base64-decoded, as a Buffer), and
// its details by type name.
function decodeStatusDetails(error, statusTypes) {
  const raw = error.metadata.get('grpc-status-details-bin');
  check(raw.length === 1, 'the error has no grpc-status-details-bin trailer');
  const Status = statusTypes.lookupType('google.rpc.Status');
  const status = Status.decode(raw[0]);
  check(status.code === error.code,
        `Status.code ${status.code} differs from the call's ${error.code}`);
  const details = {};
  for (const any of status.details) {
    const name = any.type_url.substring(any.type_url.lastIndexOf('/') + 1);
    if (!DETAIL_TYPE_NAMES.includes(name)) {
      console.log(`  (detail of unknown type ${any.type_url})`);
      continue;
    }
    const type = statusTypes.lookupType(name);
    details[name] = type.toObject(type.decode(any.value), {longs: String, defaults: true});
  }
  return details;
}

async function invalidRequest(client, metadata, statusTypes) {
  // No host_id, and limit 3 (10-200 allowed): the gateway refuses it.
  try {
    await unary(client, 'ListPorts', {limit: 3}, metadata);
  } catch (error) {
    if (error instanceof Unexpected || error.code === undefined) throw error;
    console.log(`ListPorts(limit=3): ${grpc.status[error.code]}: ${error.details}`);
    check(error.code === grpc.status.INVALID_ARGUMENT,
          `expected INVALID_ARGUMENT, got ${grpc.status[error.code]}`);
    const details = decodeStatusDetails(error, statusTypes);
    for (const [name, message] of Object.entries(details)) {
      console.log(`  ${name}: ${JSON.stringify(message)}`);
    }
    const info = details['google.rpc.ErrorInfo'];
    check(info !== undefined, 'no ErrorInfo detail');
    check(info.domain === 'hss-gateway.hss.ports.v1', `ErrorInfo.domain ${info.domain}`);
    const badRequest = details['google.rpc.BadRequest'];
    check(badRequest !== undefined, 'no BadRequest detail');
    const fields = badRequest.field_violations.map((v) => v.field).sort();
    check(fields.join(',') === 'host_id,limit', `violations of ${fields}, expected host_id, limit`);
    return;
  }
  throw new Unexpected('an invalid request succeeded');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const PortService = loadPortService(args.proto_dir);
  const statusTypes = loadStatusTypes(args.proto_dir);
  const client = new PortService(args.target, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  if (args.token) metadata.set('x-auth-token', args.token);
  try {
    const total = await listPorts(client, metadata, args);
    await streamPorts(client, metadata, args, total);
    await invalidRequest(client, metadata, statusTypes);
  } finally {
    client.close();
  }
  console.log('OK');
}

main().catch((error) => {
  if (error instanceof Unexpected) {
    console.error(`unexpected answer: ${error.message}`);
  } else if (error.code !== undefined && error.details !== undefined) {
    console.error(`unexpected error: ${grpc.status[error.code]}: ${error.details}`);
  } else {
    console.error(error.message);
  }
  process.exitCode = 1;
});
