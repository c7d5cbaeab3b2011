/**
 * A stand-in for a ClickHouse server on another machine, for the bench (bench/support/bench-server.ts
 * `--log-off-box`): it answers every HTTP request 200 after reading its body, and keeps nothing. The API then pays
 * what it pays with its request log on a ClickHouse server — encoding the rows and sending them over HTTP — while
 * parsing, storing and merging them, which a server does elsewhere, costs nothing on these cores. Run as its own
 * process; prints `{"port":N}` when listening. It counts what it received and prints it on SIGTERM.
 */
import http from 'node:http';

let requests = 0;
let bytes = 0;
const server = http.createServer((request, response) => {
  request.on('data', (chunk: Buffer) => (bytes += chunk.length));
  request.on('end', () => {
    requests++;
    response.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' }).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: (server.address() as { port: number }).port }) + '\n'));
process.once('SIGTERM', () => {
  process.stderr.write(`clickhouse sink: ${requests} requests, ${bytes} bytes\n`);
  process.exit(0);
});
