import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../cli/command.ts';
import { main } from '../../../cli/main.ts';

const FIXTURES = new URL('../../fixtures/rosters/', import.meta.url).pathname;
let cwd: string;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'cli-'));
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

/** Runs the command line in this process, capturing what it prints. */
const run = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), cwd };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
};

describe('supervision init and validate', () => {
  it('writes a sample folder that validates as is', async () => {
    // Act
    const init = await run('init', 'my-campaign');
    const validate = await run('validate', 'my-campaign');

    // Assess
    expect(init.code).toBe(0);
    expect((await readdir(join(cwd, 'my-campaign'))).sort()).toEqual([
      'campaign.yaml',
      'centers.xlsx',
      'questionnaire.xlsx',
      'supervisors.xlsx',
    ]);
    expect(validate).toMatchObject({ code: 0, err: '' });
    expect(validate.out).toContain('campaign my-campaign:');
    expect(validate.out).toContain('✓ ready to launch 可以发布: supervision launch my-campaign');
  });

  it('refuses to write into a folder that is not empty unless forced', async () => {
    // Prepare
    await run('init', 'taken', '--format', 'csv');

    // Act
    const again = await run('init', 'taken');
    const forced = await run('init', 'taken', '--force', '--id', 'forced-id', '--format', 'csv');

    // Assess
    expect(again).toMatchObject({
      code: 1,
      err: 'supervision init: taken is not empty: choose a new folder, or pass --force to write the sample files into it.',
    });
    expect(forced.code).toBe(0);
    expect(forced.out).toContain('"forced-id"');
  });

  it('prints every problem with file, row and column and exits 1', async () => {
    // Act
    const result = await run('validate', join(FIXTURES, 'many-errors'));

    // Assess
    expect(result.code).toBe(1);
    const lines = result.out.split('\n');
    expect(lines).toContain(
      '✗ centers.csv row 4, column C (级别 level): unknown level "省级" — use one of 市级 municipal, 区级 district, 街道/镇 street, 社区 community',
    );
    expect(lines).toContain(
      '✗ supervisors.csv row 3, column C (邮箱 email): missing email address — write one address per cell, in half-width characters, like name@example.gov.cn',
    );
    expect(lines.filter((l) => l.startsWith('✗ '))).toHaveLength(20);
    expect(lines.at(-1)).toMatch(/^✗ 19 problems 个问题, 1 warning 个提醒: fix them/);
  });

  it('gives the problems as JSON on request', async () => {
    // Act
    const result = await run('validate', join(FIXTURES, 'many-errors'), '--json');

    // Assess
    const report = JSON.parse(result.out);
    expect(result.code).toBe(1);
    expect(report).toMatchObject({ ok: false, errors: 19, warnings: 1 });
    expect(report.problems).toContainEqual(
      expect.objectContaining({
        file: 'centers.csv',
        row: 5,
        column: 'A',
        message: 'duplicate id "C-1": row 2 uses it too',
      }),
    );
  });

  it('says in one sentence that a folder does not exist', async () => {
    // Act
    const result = await run('validate', 'nowhere');

    // Assess
    expect(result).toEqual({
      code: 1,
      out: '',
      err: 'supervision validate: there is no folder nowhere; create one with: supervision init nowhere',
    });
  });
});

describe('usage', () => {
  it('shows help for every subcommand', async () => {
    // Act
    const results = await Promise.all(
      ['init', 'validate', 'launch', 'status', 'extend', 'close', 'results'].map((c) => run(c, '--help')),
    );

    // Assess
    for (const [i, name] of ['init', 'validate', 'launch', 'status', 'extend', 'close', 'results'].entries()) {
      expect(results[i]?.code).toBe(0);
      expect(results[i]?.out.startsWith(`supervision ${name} `)).toBe(true);
    }
    expect(results[2]?.out).toContain('--profile <name>');
  });

  it('calls a name that is not a command unknown, even one every object has', async () => {
    // Act
    const results = await Promise.all(['toString', 'constructor', 'launchh'].map((name) => run(name)));

    // Assess
    for (const [i, name] of ['toString', 'constructor', 'launchh'].entries()) {
      expect(results[i]?.code).toBe(2);
      expect(results[i]?.err).toContain(`unknown command "${name}"`);
    }
  });

  it('lists the commands', async () => {
    // Act
    const result = await run('--help');

    // Assess
    expect(result.code).toBe(0);
    for (const name of ['init', 'validate', 'launch', 'status', 'extend', 'close', 'results'])
      expect(result.out).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });

  it('refuses unknown flags, missing arguments and bad values with exit code 2 and the help', async () => {
    // Prepare
    await writeFile(join(cwd, 'note.txt'), 'x');

    // Act
    const unknown = await run('status', 'c1', '--bogus');
    const missing = await run('extend', 'c1');
    const badFormat = await run('results', 'c1', '--format', 'pdf');
    const badId = await run('close', 'not an id');

    // Assess
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^unknown option '--bogus'/);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^--deadline: give the new deadline/);
    expect(badFormat.err).toMatch(/^--format: use table, csv, xlsx or json/);
    expect(badId.err).toMatch(/^"not an id" is not a campaign id/);
    expect(badId.err).toContain('supervision close <campaign-id>');
  });
});
