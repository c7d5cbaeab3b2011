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

/**
 * A relay whose server can fall silent: connections stay open and are accepted, but nothing is forwarded either
 * way (a frozen or partitioned-away server), until it speaks again.
 */
export interface SilenceableRelay {
  silence(): void;
  speak(): void;
  close(): Promise<void>;
}

export async function openSilenceableRelay(port: number, target: URL): Promise<SilenceableRelay> {
  const sockets = new Set<net.Socket>();
  let silent = false;
  const relay = net.createServer((client) => {
    const server = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      if (silent) socket.pause();
    }
    client.pipe(server).pipe(client);
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
  return {
    silence() {
      silent = true;
      for (const socket of sockets) socket.pause();
    },
    speak() {
      silent = false;
      for (const socket of sockets) socket.resume();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}
