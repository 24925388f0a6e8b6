import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedCloud } from '../../local/cloud.ts';
import { listen, PortInUse } from '../../local/listen.ts';
import { waitFor } from '../support/wait.ts';

/** `npm start` as its own process: the ports it takes, and what it says when one is taken. */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const START = join(ROOT, 'local', 'start.ts');

let out: string;
const held: Server[] = [];

/** Holds a port as another program would; one already held by another program is just as taken. */
const occupy = async (port: number): Promise<number> => {
  const server = createServer();
  try {
    const bound = await listen(server, { service: 'test', host: '127.0.0.1', port });
    held.push(server);
    return bound;
  } catch (error) {
    if (error instanceof PortInUse) return port;
    throw error;
  }
};

/** Runs `npm start -- …` (its script, `tsx local/start.ts`), writing into a folder of its own. */
const start = (...args: string[]) => {
  const child = spawn(process.execPath, ['--import', 'tsx', START, ...args, '--out', out], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
};

const running: ChildProcess[] = [];

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'start-ports-'));
});

afterAll(async () => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  for (const server of held) server.close();
  await rm(out, { recursive: true, force: true });
});

describe('the ports of npm start', () => {
  it.each([
    ['--port', 'survey API'],
    ['--ses-port', 'SES'],
  ])(
    'stops at once with exit code 2 when the port given with %s is taken, naming it and how to choose another',
    async (option, service) => {
      // Prepare
      const port = await occupy(0);

      // Act
      const run = start('--serve', option, String(port));
      running.push(run.child);
      const code = await run.exited;

      // Assess
      expect(code).toBe(2);
      expect(run.output.stderr).toContain(
        `port ${port} (${service}) is taken: pass ${option} <another> or leave it out for a free port`,
      );
      expect(run.output.stdout).not.toContain('launching');
    },
  );

  it('has the embedded cloud itself refuse a taken SES port with PortInUse, not wait for it', async () => {
    // Prepare
    const port = await occupy(0);

    // Act
    const error = await startEmbeddedCloud({ ports: { ses: port } }).then(
      async (cloud) => {
        await cloud.close();
        return undefined;
      },
      (failure: unknown) => failure,
    );

    // Assess
    expect(error).toBeInstanceOf(PortInUse);
    expect(error).toMatchObject({ service: 'SES', port });
  }, 90_000);

  it('serves on free ports unless told, whatever holds the ports it once fixed (8080, 8005)', async () => {
    // Prepare
    await occupy(8080);
    await occupy(8005);

    // Act
    const run = start('--serve');
    running.push(run.child);
    const served = await waitFor(
      'the console and outbox addresses',
      async () => {
        if (run.child.exitCode !== null) throw new Error(`npm start -- --serve exited: ${run.output.stderr}`);
        const console = /^CONSOLE (http:\/\/127\.0\.0\.1:(\d+))\/console$/m.exec(run.output.stdout);
        const outbox = /^OUTBOX http:\/\/127\.0\.0\.1:(\d+)$/m.exec(run.output.stdout);
        return console && outbox ? { api: console[1] ?? '', apiPort: console[2], sesPort: outbox[1] } : undefined;
      },
      90_000,
    );
    const signIn = await fetch(`${served.api}/console/sign-in`);
    run.child.kill('SIGINT');
    const code = await run.exited;

    // Assess
    expect(served.apiPort).not.toBe('8080');
    expect(served.sesPort).not.toBe('8005');
    expect(signIn.status).toBe(200);
    expect(code).toBe(0);
  }, 120_000);
});
