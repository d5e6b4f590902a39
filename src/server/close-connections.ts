import type { Socket } from 'node:net';
import type { App } from '../http/app.js';

/** How long requests in flight may take to finish once the server closes, before their sockets go. */
export const CLOSE_GRACE_MS = 10_000;

/**
 * Makes `app.close()` finish promptly. Fastify closes idle keep-alive connections, but Node counts a
 * connection on which no request has begun as neither idle nor busy, so `server.close()` waits for it
 * until the headers timeout (60 s). Browsers open such connections ahead of need (preconnect), and
 * fetch opens one beside an aborted event stream. Once the server stops listening, these are
 * destroyed at once; requests in flight get `graceMs` to finish, and then their sockets are destroyed
 * too, so a stop never waits on a client.
 */
export function closeConnectionsOnClose(app: App, graceMs = CLOSE_GRACE_MS): void {
  const sockets = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  app.addHook('preClose', (done) => {
    // Fastify calls server.close() right after the preClose hooks; no connection is accepted after it.
    setImmediate(() => {
      for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
    });
    const grace = setTimeout(() => app.server.closeAllConnections(), graceMs);
    grace.unref();
    app.server.once('close', () => clearTimeout(grace));
    done();
  });
}
