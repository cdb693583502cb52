#!/usr/bin/env node
// Regenerates the SDK-HMAC-SHA256 test vectors of common/aksk_signer_test.cc with Huawei Cloud's
// official Node.js SDK core (@huaweicloud/huaweicloud-sdk-core, pinned in package.json).
//
//   cd tests/vectors && npm ci && HOME="$(mktemp -d)" node gen_aksk_vectors.js \
//       --update ../../common/aksk_signer_test.cc
//
// Without --update the C++ table is printed to stdout. HOME must be a scratch folder: the SDK
// writes ~/.huaweicloud/application_id. The wire vectors need 127.0.0.1:39517 free (override with
// AKSK_VECTORS_PORT, which changes the signed host header and so the wire vectors).
//
// Two kinds of vectors:
// - "signer" vectors call AKSKSigner.sign() directly and capture the canonical request and the
//   string to sign it builds (by wrapping its own helper methods, not by recomputing them).
// - "wire" vectors send a real request with the SDK's HTTP client (ClientBuilder.sendRequest) to a
//   local HTTP server and record what arrived (request target, headers, body), so a verifier can
//   be tested against an SDK request exactly as received.
'use strict';

const fs = require('fs');
const http = require('http');
const url = require('url');
const {AKSKSigner} = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner');
const {BasicCredentials} = require('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials');
const {ClientBuilder} = require('@huaweicloud/huaweicloud-sdk-core/ClientBuilder');

const BEGIN = '// BEGIN GENERATED AKSK VECTORS (tests/vectors/gen_aksk_vectors.js)';
const END = '// END GENERATED AKSK VECTORS';

const AK = 'HSSTESTAK0123456789AB';
const SK = 'hssTestSecretKey/0123456789+abcdefghijKLMN';
const PROJECT = '0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b';
const HOST = 'hss.cn-north-4.myhuaweicloud.com';
const DATE = '20240315T080910Z';
const PORTS = `/v5/${PROJECT}/asset/ports`;

// Each case: the SDK request, plus `path` = the decoded path our C++ SigningRequest gets.
const SIGNER_CASES = [
  {
    name: 'published_host_sdkdate',
    note: 'the second published vector of docs/hss-api.md, recomputed by the SDK',
    ak: 'AccessKey', sk: 'SecretKey', method: 'GET',
    endpoint: 'https://service.endpoint.myhuaweicloud.com/resources',
    headers: {'X-Sdk-Date': '20200608T023900Z'},
    queryParams: {size: '1'},
    expectSignature: 'cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842',
  },
  {
    name: 'ports_basic',
    note: 'the gateway\'s usual call: host;x-project-id;x-sdk-date',
    method: 'GET', endpoint: `https://${HOST}${PORTS}`,
    headers: {'X-Project-Id': PROJECT, 'X-Sdk-Date': DATE},
    queryParams: {host_id: 'c1a2b3d4-0000-4000-8000-123456789abc', limit: '200', offset: '0'},
  },
  {
    name: 'security_token',
    note: 'temporary credentials: x-security-token is signed too',
    method: 'GET', endpoint: `https://${HOST}${PORTS}`,
    headers: {
      'X-Project-Id': PROJECT, 'X-Sdk-Date': DATE,
      'X-Security-Token': 'gQpjbi1ub3J0aC00jMyQ+Wx/0b5f==',
    },
    queryParams: {host_id: 'h-1', limit: '10'},
  },
  {
    name: 'query_spaces_utf8',
    note: 'spaces and UTF-8 in query keys and values',
    method: 'GET', endpoint: `https://${HOST}${PORTS}`,
    headers: {'X-Project-Id': PROJECT, 'X-Sdk-Date': DATE},
    queryParams: {host_id: 'h 1', host_name: 'web server 中文', '名 字': 'ü é'},
  },
  {
    name: 'query_reserved_chars',
    note: '* ~ % + / and other reserved characters in values',
    method: 'GET', endpoint: `https://${HOST}${PORTS}`,
    headers: {'X-Project-Id': PROJECT, 'X-Sdk-Date': DATE},
    queryParams: {
      star: 'a*b', tilde: '~user', pct: '100%25', plus: '1+1=2', path: '/tmp/a b/c',
      misc: '&=?#!$\'(),;:@[]', empty: '',
    },
  },
  {
    name: 'query_repeated_keys',
    note: 'array values become repeated keys, each sorted as strings ("10" < "2")',
    method: 'GET', endpoint: `https://${HOST}${PORTS}`,
    headers: {'X-Project-Id': PROJECT, 'X-Sdk-Date': DATE},
    queryParams: {type: ['UDP', 'TCP'], port: ['443', '22', '8080', '10'], host_id: 'h'},
  },
  {
    name: 'query_key_order',
    note: 'keys sort by their decoded form, not their encoded form ("a0" < "a[" < "a~" < "a中")',
    method: 'GET', endpoint: `https://${HOST}/v5/p/x`,
    headers: {'X-Sdk-Date': DATE},
    queryParams: {'a~': '1', 'a中': '2', 'a[': '3', a0: '4', 'a b': '5', A: '6', a: '7', '': '8'},
  },
  {
    name: 'path_reserved_utf8',
    note: 'path segments with * ~ + ; , = @ ! $ ( ) and UTF-8',
    method: 'GET', endpoint: `https://${HOST}/v5/${PROJECT}/a*b~c+d/中文;x,y=z@!$()/end`,
    headers: {'X-Project-Id': PROJECT, 'X-Sdk-Date': DATE},
    queryParams: {},
  },
  {
    name: 'path_trailing_slash',
    note: 'an existing trailing slash is kept, not doubled',
    method: 'GET', endpoint: `https://${HOST}${PORTS}/`,
    headers: {'X-Project-Id': PROJECT, 'X-Sdk-Date': DATE},
    queryParams: {limit: '10'},
  },
  {
    name: 'path_root_host_port',
    note: 'root path; the host header keeps the port',
    method: 'GET', endpoint: 'http://127.0.0.1:8443/',
    headers: {'X-Sdk-Date': DATE},
    queryParams: {},
  },
  {
    name: 'path_space_node_quirk',
    note: 'Node signs the already-escaped URL path: "/my project" is signed as "my%2520project", ' +
        'which equals our canonical form of the *decoded* path "/my%20project"',
    method: 'GET', endpoint: `https://${HOST}/v5/${PROJECT}/my project`,
    path: `/v5/${PROJECT}/my%20project`,
    headers: {'X-Project-Id': PROJECT, 'X-Sdk-Date': DATE},
    queryParams: {},
  },
  {
    name: 'post_json_body',
    note: 'a JSON body is hashed; content-type and mixed-case custom headers are signed',
    method: 'POST', endpoint: `https://${HOST}/v5/${PROJECT}/host-management/hosts`,
    headers: {
      'content-type': 'application/json', 'X-Project-Id': PROJECT, 'X-Sdk-Date': DATE,
      'X-Custom-Trace': 'Trace-ID 42',
    },
    queryParams: {enterprise_project_id: 'all_granted_eps'},
    data: {host_ids: ['h1', 'h2'], note: '中文 *~%'},
  },
  {
    name: 'unsigned_payload',
    note: 'X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD replaces the body hash',
    method: 'PUT', endpoint: `https://${HOST}/v5/${PROJECT}/upload`,
    headers: {
      'content-type': 'application/octet-stream', 'X-Project-Id': PROJECT, 'X-Sdk-Date': DATE,
      'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD',
    },
    queryParams: {},
    body: 'raw bytes, not hashed',
  },
];

// Requests sent through the SDK's HTTP client to a local server.
const WIRE_CASES = [
  {
    name: 'wire_ports',
    note: 'ClientBuilder.sendRequest as an HSS client would call ListPortStatistics-like APIs',
    method: 'GET', url: '/v5/{project_id}/asset/ports',
    queryParams: {
      host_id: 'h 1', host_name: '中文 *~', status: 'normal', path: '/usr/bin/a+b',
      type: ['UDP', 'TCP'], limit: 10, offset: 0,
    },
  },
  {
    name: 'wire_post_json',
    note: 'a JSON POST through the SDK client',
    method: 'POST', url: '/v5/{project_id}/host-management/hosts',
    queryParams: {enterprise_project_id: '0'},
    contentType: 'application/json',
    data: {host_ids: ['h1'], note: 'x y'},
  },
];

function signCase(c) {
  const captured = {};
  const origCanonical = AKSKSigner.buildCanonicalRequest;
  const origStringToSign = AKSKSigner.getStringToSign;
  AKSKSigner.buildCanonicalRequest = function(...args) {
    captured.canonicalRequest = origCanonical.apply(this, args);
    return captured.canonicalRequest;
  };
  AKSKSigner.getStringToSign = function(...args) {
    captured.stringToSign = origStringToSign.apply(this, args);
    return captured.stringToSign;
  };
  const ak = c.ak || AK;
  const sk = c.sk || SK;
  const credential = new BasicCredentials().withAk(ak).withSk(sk);
  let signed;
  try {
    signed = AKSKSigner.sign(
        {method: c.method, endpoint: c.endpoint, headers: {...c.headers},
         queryParams: c.queryParams, data: c.data},
        credential);
  } finally {
    AKSKSigner.buildCanonicalRequest = origCanonical;
    AKSKSigner.getStringToSign = origStringToSign;
  }
  const authorization = signed.Authorization;
  const headers = Object.entries(signed).filter(([k]) => k !== 'Authorization');
  for (const [k, v] of headers) {
    // Our signer trims values and skips names with '_'; Node does neither. Keep vectors clear.
    if (k.includes('_') || v !== v.trim()) throw new Error(`${c.name}: header ${k} not portable`);
  }
  const pathname = url.parse(c.endpoint).pathname;
  if (c.path === undefined && pathname !== c.endpoint.replace(/^https?:\/\/[^/]*/, '')) {
    throw new Error(`${c.name}: url.parse escaped the path to ${pathname}; set path explicitly`);
  }
  const query = [];
  for (const [k, v] of Object.entries(c.queryParams)) {
    for (const one of Array.isArray(v) ? v : [v]) query.push([k, String(one)]);
  }
  const date = captured.stringToSign.split('\n')[1];
  if (date !== signed['X-Sdk-Date']) throw new Error(`${c.name}: SDK rewrote the date to ${date}`);
  const signature = authorization.replace(/.*Signature=/, '');
  if (c.expectSignature && signature !== c.expectSignature) {
    throw new Error(`${c.name}: signature ${signature} != published ${c.expectSignature}`);
  }
  return {
    name: c.name, note: c.note, method: c.method,
    path: c.path !== undefined ? c.path : pathname,
    query, headers,
    body: c.data !== undefined ? JSON.stringify(c.data) : (c.body || ''),
    ak, sk, canonicalRequest: captured.canonicalRequest, stringToSign: captured.stringToSign,
    authorization,
  };
}

async function wireCases() {
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', () => {
      received.push({
        method: req.method, target: req.url,
        headers: Object.entries(req.headers),
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, {'content-type': 'application/json'});
      res.end('{}');
    });
  });
  // A fixed port keeps the signed host header (and so the vectors) stable between runs.
  const port = Number(process.env.AKSK_VECTORS_PORT || 39517);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const out = [];
  try {
    for (const c of WIRE_CASES) {
      const credential = new BasicCredentials().withAk(AK).withSk(SK).withProjectId(PROJECT);
      const client = new ClientBuilder((x) => x).withEndpoint(endpoint).withCredential(credential)
                         .build();
      await client.sendRequest({
        method: c.method, url: c.url, pathParams: {}, queryParams: c.queryParams,
        headers: {'X-Sdk-Date': DATE}, contentType: c.contentType, data: c.data,
      });
      const r = received.pop();
      // Node lower-cases names; drop the headers that vary between runs or machines.
      r.headers = r.headers.filter(([k]) => !['connection', 'user-agent'].includes(k));
      out.push({name: c.name, note: c.note, ak: AK, sk: SK, ...r});
    }
  } finally {
    server.close();
  }
  return out;
}

// A C++ string literal (UTF-8 kept as is; quotes, backslashes and controls escaped).
function lit(s) {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0);
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0') + '""';
    else out += ch;
  }
  return out + '"';
}

// A multi-line string as one literal per line, continued on the following lines.
function multiline(s, indent) {
  const lines = s.split('\n');
  return lines.map((l, i) => indent + lit(i + 1 < lines.length ? l + '\n' : l)).join('\n');
}

function pairs(list) {
  if (list.length === 0) return '{}';
  return '{' + list.map(([k, v]) => `{${lit(k)}, ${lit(v)}}`).join(', ') + '}';
}

function toCpp(signerVectors, wireVectors) {
  let out = `${BEGIN}\n// clang-format off\n`;
  out += 'const std::vector<SdkVector>& SdkVectors() {\n';
  out += '  static const auto* const kVectors = new std::vector<SdkVector>{\n';
  for (const v of signerVectors) {
    out += `    // ${v.note}\n`;
    out += `    {${lit(v.name)}, ${lit(v.method)}, ${lit(v.path)},\n`;
    out += `     ${pairs(v.query)},\n`;
    out += `     ${pairs(v.headers)},\n`;
    out += `     ${lit(v.body)}, ${lit(v.ak)}, ${lit(v.sk)},\n`;
    out += multiline(v.canonicalRequest, '     ') + ',\n';
    out += multiline(v.stringToSign, '     ') + ',\n';
    out += `     ${lit(v.authorization)}},\n`;
  }
  out += '  };\n  return *kVectors;\n}\n\n';
  out += 'const std::vector<WireVector>& WireVectors() {\n';
  out += '  static const auto* const kVectors = new std::vector<WireVector>{\n';
  for (const v of wireVectors) {
    out += `    // ${v.note}\n`;
    out += `    {${lit(v.name)}, ${lit(v.method)}, ${lit(v.target)},\n`;
    out += `     ${pairs(v.headers)},\n`;
    out += `     ${lit(v.body)}, ${lit(v.ak)}, ${lit(v.sk)}},\n`;
  }
  out += '  };\n  return *kVectors;\n}\n';
  out += `// clang-format on\n${END}`;
  return out;
}

async function main() {
  const signerVectors = SIGNER_CASES.map(signCase);
  const wireVectors = await wireCases();
  const cpp = toCpp(signerVectors, wireVectors);
  const i = process.argv.indexOf('--update');
  if (i < 0) {
    process.stdout.write(cpp + '\n');
    return;
  }
  const file = process.argv[i + 1];
  const text = fs.readFileSync(file, 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${file}: no generated-vectors markers`);
  fs.writeFileSync(file, text.slice(0, begin) + cpp + text.slice(end + END.length));
  console.error(`updated ${file}: ${signerVectors.length} signer + ${wireVectors.length} wire vectors`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
