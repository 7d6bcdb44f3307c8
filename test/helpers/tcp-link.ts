import { createServer, Server, Socket } from 'node:net';

/**
 * A TCP proxy in front of a real server: closing it is an outage of that server for this suite
 * alone (other suites share it), opening it again on the same port brings the server back.
 */
export class TcpLink {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(protected readonly target: URL) {}

  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(Number(this.target.port || defaultPort(this.target)), this.target.hostname);
      client.pipe(upstream).pipe(client);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => this.sockets.delete(socket));
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  /** The target's URL with the link's address in place of the server's. */
  get url(): string {
    const url = new URL(this.target);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString().replace(/\/$/, '');
  }
}

function defaultPort(url: URL): number {
  return ({ 'redis:': 6379, 'http:': 80, 'https:': 443 } as Record<string, number>)[url.protocol] ?? 0;
}
