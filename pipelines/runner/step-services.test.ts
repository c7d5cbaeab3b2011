import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { freePort } from '../../test/support/free-port.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, testConfig, type TestDatabase } from '../../test/support/services.ts';
import { openStepServices } from './step-services.ts';

/**
 * A worker's ClickHouse is opened by the first step that needs it. When that opening fails (the server is down),
 * the next step must try again rather than get the first failure back forever. No ClickHouse server runs here: the
 * server is an HTTP listener that only counts what reaches it (the embedded ClickHouse has no network to lose).
 */
let db: TestDatabase | undefined;
let server: http.Server | undefined;
after(async () => {
  server?.close();
  await db?.drop();
});

test('a step after a failed ClickHouse opening opens it again', async () => {
  db = await freshDatabase(await embeddedPostgresUrl(), 'step_services_reopen');
  const port = await freePort();
  const services = await openStepServices(testConfig({ CLICKHOUSE_URL: `http://127.0.0.1:${port}` }), quietLog, { pg: db.pool });
  await assert.rejects(services.clickhouse(), /ECONNREFUSED|connect|clickhouse/i);

  let requests = 0;
  server = http.createServer((request, response) => {
    requests++;
    response.writeHead(500, { 'content-type': 'text/plain' }).end('Code: 999. not a ClickHouse server');
  });
  await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
  await assert.rejects(services.clickhouse());
  assert.ok(requests > 0, 'the second step reached the server: the failed opening was not kept');
  await services.close();
});
