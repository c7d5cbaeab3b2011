import net from 'node:net';

/**
 * A TCP relay on 127.0.0.1:`port` to `target` (a PostgreSQL URL's host and port): a server that is away while the
 * relay is closed, and back once it listens. For tests of what heals when a connection comes back.
 */
export async function openRelay(port: number, target: URL): Promise<net.Server> {
  const relay = net.createServer((client) => {
    const server = net.connect(Number(target.port), target.hostname);
    client.pipe(server).pipe(client);
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
  return relay;
}

/** The same URL, through 127.0.0.1:`port`. */
export function relayedUrl(url: string, port: number): string {
  const relayed = new URL(url);
  relayed.host = `127.0.0.1:${port}`;
  return relayed.toString();
}
