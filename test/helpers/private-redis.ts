import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { freePort } from './processes';

/**
 * A Redis server of the test's own, with a password, as production runs one: the machine's
 * `redis-server` (the same binary `.ci/run` starts the shared server with) on a free loopback
 * port, keeping nothing on disk.
 */
export class PrivateRedis {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly password: string,
  ) {}

  static available(): boolean {
    try {
      execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }

  static async start(password: string): Promise<PrivateRedis> {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', password, '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const redis = new PrivateRedis(child, port, password);
    for (let tries = 0; (await redis.ask('PING', password)) !== '+PONG'; tries++) {
      if (tries > 100 || child.exitCode !== null) throw new Error(`redis-server did not start on port ${port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return redis;
  }

  get url(): string {
    return `redis://:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}`;
  }

  /** Sends one inline command (after AUTH when a password is given) and answers Redis's last reply line. */
  ask(command: string, password?: string): Promise<string> {
    return new Promise((resolve) => {
      const socket = connect(this.port, '127.0.0.1');
      let reply = '';
      socket.on('data', (chunk) => (reply += chunk));
      socket.on('error', () => resolve('connection refused'));
      socket.on('connect', () => socket.end(`${password ? `AUTH ${password}\r\n` : ''}${command}\r\nQUIT\r\n`));
      socket.on('close', () =>
        resolve(
          reply
            .trim()
            .split('\r\n')
            .filter((line) => line !== '+OK')
            .at(0) ?? '',
        ),
      );
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }
}
