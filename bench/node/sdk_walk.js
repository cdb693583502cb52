// Walks every page of one host's open ports the way a user of the official
// Huawei Cloud Node.js SDK would: sendRequest in an offset loop, AK/SK signed.
//
//   HOME=$(mktemp -d) HUAWEICLOUD_SDK_AK=… HUAWEICLOUD_SDK_SK=… \
//     node sdk_walk.js ENDPOINT PROJECT_ID HOST_ID [LIMIT]
//
// Prints one JSON line: {"ports":N,"pages":P,"seconds":S,"ports_per_second":R}.
'use strict';

const { ClientBuilder } = require('@huaweicloud/huaweicloud-sdk-core/ClientBuilder');
const { BasicCredentials } = require('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials');

async function main() {
  const [endpoint, projectId, hostId, limitArg] = process.argv.slice(2);
  const limit = Number(limitArg || 200);
  const credentials = new BasicCredentials()
    .withAk(process.env.HUAWEICLOUD_SDK_AK)
    .withSk(process.env.HUAWEICLOUD_SDK_SK)
    .withProjectId(projectId);
  const client = new ClientBuilder((c) => c).withEndpoint(endpoint).withCredential(credentials).build();

  let offset = 0;
  let ports = 0;
  let pages = 0;
  const start = process.hrtime.bigint();
  for (;;) {
    const result = await client.sendRequest({
      method: 'GET',
      url: '/v5/{project_id}/asset/ports',
      pathParams: {},
      queryParams: { host_id: hostId, limit, offset },
      headers: {},
    });
    const page = result.data || result;
    const list = page.data_list || [];
    ports += list.length;
    pages += 1;
    offset += list.length;
    if (list.length < limit || offset >= page.total_num) break;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ ports, pages, seconds, ports_per_second: ports / seconds }));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
