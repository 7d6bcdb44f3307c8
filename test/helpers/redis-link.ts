import { TcpLink } from './tcp-link';

/**
 * A TCP proxy in front of the real Redis: closing it is a Redis outage for this suite alone
 * (other suites share the server), opening it again on the same port brings Redis back.
 */
export class RedisLink extends TcpLink {
  override get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
}
