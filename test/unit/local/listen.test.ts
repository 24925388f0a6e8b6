import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, PortInUse, whenListening } from '../../../local/listen.ts';

const opened: Server[] = [];
const server = () => {
  const s = createServer();
  opened.push(s);
  return s;
};

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

const failureOf = async (work: Promise<unknown>): Promise<unknown> =>
  work.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

describe('listening on a port of the embedded cloud', () => {
  it('listens on a free port when given port 0', async () => {
    // Act
    const port = await listen(server(), { service: 'survey API', host: '127.0.0.1', port: 0 });
    // Assess
    expect(port).toBeGreaterThan(0);
  });

  it('refuses a taken port with PortInUse naming the service and the port', async () => {
    // Prepare
    const port = await listen(server(), { service: 'another program', host: '127.0.0.1', port: 0 });
    // Act
    const error = await failureOf(listen(server(), { service: 'survey API', host: '127.0.0.1', port }));
    // Assess
    expect(error).toBeInstanceOf(PortInUse);
    expect(error).toMatchObject({ service: 'survey API', port, message: `port ${port} (survey API) is taken` });
  });

  it('names the taken port of a server whose library dropped its listen error (aws-ses-v2-local on Express 5)', async () => {
    // Prepare
    const port = await listen(server(), { service: 'another program', host: '127.0.0.1', port: 0 });
    const { default: startSes } = (await import('aws-ses-v2-local')) as unknown as {
      default: (config: { host: string; port: number }) => Promise<Server>;
    };
    const ses = await startSes({ host: '127.0.0.1', port });
    // Act
    const error = await failureOf(whenListening(ses, { service: 'SES', host: '127.0.0.1', port }));
    // Assess
    expect(error).toBeInstanceOf(PortInUse);
    expect(error).toMatchObject({ message: `port ${port} (SES) is taken` });
  });
});
