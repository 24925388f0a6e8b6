import type { Server } from 'node:http';
import { whenListening } from './listen.ts';

/** The local SES (aws-ses-v2-local), listening. */
export interface LocalSes {
  url: string;
  close: () => Promise<void>;
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });

/** Starts aws-ses-v2-local on `host` and `port` (0: any free port); resolves once it listens. */
export const startLocalSes = async (host: string, port: number): Promise<LocalSes> => {
  // CommonJS module: Node exposes module.exports as the default export, some loaders unwrap it once more.
  const sesModule: { default: unknown } = await import('aws-ses-v2-local');
  const sesExport = sesModule.default as
    | { default?: typeof import('aws-ses-v2-local').default }
    | typeof import('aws-ses-v2-local').default;
  const startSes = typeof sesExport === 'function' ? sesExport : sesExport.default;
  if (!startSes) throw new Error('aws-ses-v2-local did not export its server');
  const ses = await startSes({ host, port });
  const url = `http://${host}:${await whenListening(ses, { service: 'SES', host, port })}`;
  return { url, close: () => closeServer(ses) };
};
