import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { requireServices } from '../test/support/services.ts';

/**
 * docker-compose.yml, validated by Debian's docker-compose (`config` needs no Docker engine) and checked against
 * what the code reads: every variable of platform/config.ts that a server deployment needs, pointing at services
 * that exist, with health checks, volumes and replicas.
 */
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const run = promisify(execFile);

async function composeAvailable(): Promise<string | undefined> {
  try {
    await run('docker-compose', ['version']);
    return undefined;
  } catch {
    if (requireServices) throw new Error('docker-compose is required (REQUIRE_SERVICES=1): apt-get install docker-compose');
    const reason = 'docker-compose is not installed; skipping the compose validation (apt-get install docker-compose)';
    process.stderr.write(`# ${reason}\n`);
    return reason;
  }
}

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
  volumes?: Array<string | { source: string; target: string }>;
  depends_on?: Record<string, { condition: string }>;
}

/** The variables platform/config.ts reads, found in its source so a new one cannot be forgotten here. */
function configVariables(): string[] {
  const source = fs.readFileSync(new URL('../platform/config.ts', import.meta.url), 'utf8');
  const names = new Set<string>();
  for (const m of source.matchAll(/env\.([A-Z][A-Z0-9_]*)/g)) names.add(m[1]);
  for (const m of source.matchAll(/(?:intSetting|urlSetting)\(env, '([A-Z][A-Z0-9_]*)'/g)) names.add(m[1]);
  return [...names].sort();
}

/** Compose takes every secret from the environment; these stand in for an operator's. */
const SECRETS: Record<string, string> = {
  JWT_SECRET: 'k8Jw1xZp0QvR3tYu6WiO9eAs2DfG5hJkLzXcVbNm',
  POSTGRES_PASSWORD: 'pg-Qm3vT8xR1wZ6yN4b',
  CLICKHOUSE_PASSWORD: 'ch-Hs7kP2dL9fJ5gA1c',
  CLICKHOUSE_ANALYST_PASSWORD: 'an-Vx4nB8mC2zQ6wE0r',
};

describe('docker-compose.yml', async () => {
  const skip = await composeAvailable();

  it('is valid and runs every service the code expects, wired the way the code reads it', { skip }, async () => {
    const { stdout } = await run('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: ROOT, env: { ...process.env, ...SECRETS, COMPOSE_PROJECT_NAME: 'spirit' } });
    const compose = parse(stdout) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
    const services = compose.services;
    for (const name of ['postgres', 'clickhouse', 'redis', 'api', 'worker', 'scheduler']) assert.ok(services[name], `service ${name}`);
    for (const name of ['postgres', 'clickhouse', 'redis', 'api']) assert.ok(services[name].healthcheck?.test.length, `${name} has a health check`);
    assert.equal(services.api.deploy?.replicas, 2);
    assert.equal(services.worker.deploy?.replicas, 2);

    const variables = configVariables();
    assert.ok(variables.includes('DATABASE_URL') && variables.includes('REDIS_URL'), `config variables found: ${variables.join(', ')}`);
    // Only the embedded databases read these; a deployment has servers.
    const embeddedOnly = new Set(['EMBEDDED_PG_PORT']);
    // Only a ClickHouse cluster reads it (docker-compose.cluster.yml, checked below); unset, the single server.
    const clusterOnly = new Set(['CLICKHOUSE_CLUSTER']);
    const apiOnly = new Set(['HOST', 'PORT']);
    for (const name of ['api', 'worker', 'scheduler']) {
      const env = services[name].environment ?? {};
      for (const variable of variables) {
        if (clusterOnly.has(variable)) assert.equal(env[variable], undefined, `${name} leaves ${variable} unset`);
        if (embeddedOnly.has(variable) || clusterOnly.has(variable) || (apiOnly.has(variable) && name !== 'api')) continue;
        assert.ok(env[variable] !== undefined && env[variable] !== '', `${name} sets ${variable}`);
      }
      assert.equal(new URL(env.DATABASE_URL).hostname, 'postgres');
      assert.equal(new URL(env.CLICKHOUSE_URL).hostname, 'clickhouse');
      assert.equal(new URL(env.REDIS_URL).hostname, 'redis');
      assert.ok(env.MODEL_REGISTRY_URL.startsWith('file:///'), 'models on a shared volume');
      const mounts = (services[name].volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
      assert.ok(mounts.some((m) => m.split(':')[0] === 'models' && m.split(':')[1] === new URL(env.MODEL_REGISTRY_URL).pathname), `${name} mounts the models volume where MODEL_REGISTRY_URL points`);
      for (const dependency of ['postgres', 'clickhouse', 'redis']) assert.equal(services[name].depends_on?.[dependency]?.condition, 'service_healthy', `${name} waits for ${dependency}`);
    }
    assert.equal(services.api.environment!.HOST, '0.0.0.0');
    assert.equal(services.api.environment!.JWT_SECRET, SECRETS.JWT_SECRET, 'replicas share the JWT secret given to compose');
    // Only the API is reachable from outside the stack: the databases hold customers' data.
    for (const [name, service] of Object.entries(services)) {
      if (name !== 'api') assert.equal((service as { ports?: unknown[] }).ports, undefined, `${name} publishes no port`);
    }
    assert.deepEqual(services.api.command, ['serve']);
    assert.equal(services.worker.command![0], 'worker');
    assert.match(services.worker.command!.join(' '), /--queues \S*heavy/);
    assert.match(services.scheduler.command!.join(' '), /--queues runs,outbox-relay/);
    for (const volume of ['postgres-data', 'clickhouse-data', 'redis-data', 'models']) assert.ok(volume in compose.volumes, `volume ${volume}`);

    // The analysts' read-only ClickHouse user.
    const init = (services.clickhouse.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`)).find((v) => v.includes('docker-entrypoint-initdb.d'));
    assert.ok(init, 'an init script for ClickHouse');
    const script = fs.readFileSync(init.split(':')[0], 'utf8');
    assert.match(script, /CREATE USER IF NOT EXISTS analyst .*readonly = 1/);
    assert.match(script, /GRANT SELECT ON/);
  });

  it('with docker-compose.cluster.yml, runs the warehouse on two replicas and a Keeper, and the platform knows the cluster', { skip }, async () => {
    const { stdout } = await run('docker-compose', ['-f', 'docker-compose.yml', '-f', 'docker-compose.cluster.yml', 'config'], {
      cwd: ROOT,
      env: { ...process.env, ...SECRETS, COMPOSE_PROJECT_NAME: 'spirit' },
    });
    const services = (parse(stdout) as { services: Record<string, ComposeService & { hostname?: string }> }).services;
    const xml = fs.readFileSync(new URL('../deploy/clickhouse/cluster/cluster.xml', import.meta.url), 'utf8');
    const cluster = /<remote_servers>\s*<([A-Za-z0-9_.-]+)>/.exec(xml)![1];
    const replicas = [...xml.matchAll(/<replica>\s*<host>([^<]+)<\/host>\s*<port>9000<\/port>/g)].map((m) => m[1]);
    assert.equal((xml.match(/<shard>\s*<internal_replication>/g) ?? []).length, 1, 'one shard: ReplacingMergeTree collapses versions on one server only');
    assert.deepEqual(replicas, ['clickhouse', 'clickhouse-2']);
    assert.match(xml, /<macros>\s*<shard>[^<]+<\/shard>\s*<replica from_env="REPLICA" \/>/);
    const keeper = /<zookeeper>\s*<node>\s*<host>([^<]+)<\/host>\s*<port>(\d+)<\/port>/.exec(xml)!;
    assert.ok(services[keeper[1]]?.healthcheck, 'the Keeper is a service with a health check');
    assert.match(fs.readFileSync(new URL('../deploy/clickhouse/cluster/keeper.xml', import.meta.url), 'utf8'), new RegExp(`<tcp_port>${keeper[2]}</tcp_port>`));
    const mounts = (service: ComposeService) => (service.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
    for (const replica of replicas) {
      const server = services[replica];
      assert.equal(server.hostname, replica, `${replica} is reachable by the name the other replica fetches parts from`);
      assert.equal(server.environment?.REPLICA, replica, `${replica}'s macro`);
      assert.ok(mounts(server).some((m) => m.includes('deploy/clickhouse/cluster/cluster.xml:/etc/clickhouse-server/config.d/')), `${replica} mounts cluster.xml`);
      assert.ok(mounts(server).some((m) => m.includes('docker-entrypoint-initdb.d/analyst-user.sh')), `${replica} has the analysts' user`);
      assert.equal(server.depends_on?.[keeper[1]]?.condition, 'service_healthy');
      assert.equal(server.environment?.CLICKHOUSE_DB, services.api.environment!.CLICKHOUSE_DATABASE);
    }
    for (const name of ['migrate', 'api', 'worker', 'scheduler']) {
      assert.equal(services[name].environment?.CLICKHOUSE_CLUSTER, cluster, `${name} sets CLICKHOUSE_CLUSTER to the cluster of remote_servers`);
      assert.equal(new URL(services[name].environment!.CLICKHOUSE_URL).hostname, replicas[0]);
    }
    assert.equal(services.migrate.depends_on?.['clickhouse-2']?.condition, 'service_healthy', 'ON CLUSTER waits for every replica');
    for (const [name, service] of Object.entries(services)) {
      if (name !== 'api') assert.equal((service as { ports?: unknown[] }).ports, undefined, `${name} publishes no port`);
    }
    const text = fs.readFileSync(new URL('../docker-compose.cluster.yml', import.meta.url), 'utf8');
    for (const m of text.matchAll(/\$\{([A-Z_]*(?:PASSWORD|SECRET)[A-Z_]*)([^}]*)\}/g)) assert.match(m[2], /^:\?/, `\${${m[1]}} must be required`);
  });

  it('refuses to start without each secret, and defaults none', { skip }, async () => {
    for (const name of Object.keys(SECRETS)) {
      const others = Object.fromEntries(Object.entries(SECRETS).filter(([k]) => k !== name));
      const env: NodeJS.ProcessEnv = { ...process.env, ...others, COMPOSE_PROJECT_NAME: 'spirit' };
      delete env[name];
      await assert.rejects(run('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: ROOT, env }), (err: Error & { stderr?: string }) => {
        assert.match(String(err.stderr ?? err.message), new RegExp(`set ${name}`));
        return true;
      });
    }
    const text = fs.readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8');
    for (const m of text.matchAll(/\$\{([A-Z_]*(?:PASSWORD|SECRET)[A-Z_]*)([^}]*)\}/g)) {
      assert.match(m[2], /^:\?/, `\${${m[1]}} must be required (:?), not defaulted`);
    }
  });

  it('builds one image whose entry point is the CLI', () => {
    const dockerfile = fs.readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
    // node's own flags may come first (the serving ones: platform/serving-v8.test.ts checks which).
    assert.match(dockerfile, /ENTRYPOINT \["node", (?:"--[a-z-]+", )*"bin\/spirit-ml.js"\]/);
    assert.ok(fs.existsSync(new URL('../.dockerignore', import.meta.url)));
    // `npm ci` refuses this lock (chdb's optional engines for other platforms are not in it), which failed the build.
    assert.match(dockerfile, /^RUN npm install --omit=dev /m);
    assert.doesNotMatch(dockerfile, /^RUN npm ci/m);
  });
});
