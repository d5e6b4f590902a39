import net from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../http/app.js';
import { closeConnectionsOnClose } from './close-connections.js';

/** Opens a TCP connection to `port` and resolves once it is established; it sends nothing. */
function silentConnection(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('closing the server', () => {
  const sockets: net.Socket[] = [];
  afterEach(() => {
    for (const s of sockets.splice(0)) s.destroy();
  });

  async function listening(graceMs: number, slowMs = 0): Promise<{ app: App; port: number }> {
    const app = Fastify() as unknown as App;
    closeConnectionsOnClose(app, graceMs);
    app.get('/slow', async () => {
      await new Promise((r) => setTimeout(r, slowMs));
      return { ok: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { app, port: (app.server.address() as AddressInfo).port };
  }

  it('does not wait for a connection on which no request has begun (a browser preconnect)', async () => {
    const { app, port } = await listening(60_000);
    sockets.push(await silentConnection(port));
    // Let the server accept it before closing.
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await app.close();
    // Without the hook Node keeps such a connection until its headers timeout (60 s).
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('lets a request in flight finish within the grace period, then cuts what is left', async () => {
    const { app, port } = await listening(300, 100);
    const answered = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.status);
    await new Promise((r) => setTimeout(r, 30));
    await app.close();
    expect(await answered).toBe(200);

    const stuck = await listening(200, 30_000);
    const cut = fetch(`http://127.0.0.1:${stuck.port}/slow`).then(
      (r) => r.status,
      () => 'cut',
    );
    await new Promise((r) => setTimeout(r, 30));
    const started = Date.now();
    await stuck.app.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await cut).toBe('cut');
  });
});
