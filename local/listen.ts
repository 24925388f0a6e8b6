import { createServer, type Server } from 'node:net';

/** Where a service of the embedded cloud listens; port 0 is any free port. */
export interface ListenAt {
  /** The service as the user knows it, for messages: `survey API`, `SES`, `DynamoDB`. */
  service: string;
  host: string;
  port: number;
}

/** The port a service was asked to listen on is taken by another program. */
export class PortInUse extends Error {
  override name = 'PortInUse';
  readonly service: string;
  readonly port: number;

  constructor(service: string, port: number, options?: ErrorOptions) {
    super(`port ${port} (${service}) is taken`, options);
    this.service = service;
    this.port = port;
  }
}

/**
 * Listens on `host:port` and resolves with the port listened on (a free one for port 0); rejects with
 * PortInUse when the port is taken, with the server's own error otherwise, and never waits silently.
 */
export const listen = (server: Server, at: ListenAt): Promise<number> =>
  new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      server.off('listening', listening);
      reject(error.code === 'EADDRINUSE' ? new PortInUse(at.service, at.port, { cause: error }) : error);
    };
    const listening = () => {
      server.off('error', failed);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : at.port);
    };
    server.once('error', failed);
    server.once('listening', listening);
    server.listen(at.port, at.host);
  });

/**
 * For a server another library started (and resolved, listening or not): resolves once it listens,
 * or rejects with why it could not. Express 5 passes a failed listen's error to the callback it was
 * given, and a library whose callback ignores it leaves a server that never listens: the port is then
 * tried once more here to name the cause.
 */
export const whenListening = async (server: Server, at: ListenAt): Promise<number> => {
  if (!server.listening) {
    await ensurePortFree(at);
    throw new Error(`${at.service} did not listen on ${at.host}:${at.port}`);
  }
  const address = server.address();
  return typeof address === 'object' && address ? address.port : at.port;
};

/**
 * Resolves if `host:port` could be listened on now (a moment later another program may take it);
 * rejects with PortInUse when it is taken. Lets a caller refuse a port given by the user at once.
 */
export const ensurePortFree = async (at: ListenAt): Promise<void> => {
  const probe = createServer();
  await listen(probe, at);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
};
