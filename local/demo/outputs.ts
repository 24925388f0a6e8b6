import { lstat, readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What `npm start` writes under its output folder (`--out`, default out/), and how each run removes the
 * previous run's: only the files the demo writes, by name, never a folder's other contents, so that an
 * `--out` pointing at a folder of one's own loses nothing of its own.
 */

/** The demo's outputs, by name under the output folder. */
export const DEMO_OUTPUTS = {
  /** Every email of the run, as .eml files. */
  mail: 'mail',
  /** The campaign folder the demo launches from, as `supervision launch` reads one. */
  campaignFolder: 'demo-campaign',
  /** The city results workbook the organizers received. */
  results: 'results.xlsx',
  /** With --serve: where the `supervision` command finds the embedded cloud. */
  endpoint: 'local-cloud.json',
} as const;

/** The files of the demo's campaign folder (an xlsx campaign folder). */
const CAMPAIGN_FOLDER_FILES: ReadonlySet<string> = new Set([
  'campaign.yaml',
  'centers.xlsx',
  'supervisors.xlsx',
  'questionnaire.xlsx',
]);

/** An email file the demo writes: `0001-invitation-someone@example.com.eml`. */
const DEMO_EMAIL = /^\d{4}-[a-z-]+-[A-Za-z0-9@._-]+\.eml$/;

/** The name of a demo email file: its order, kind and first recipient. */
export const demoEmailFileName = (index: number, kind: string, to: string): string =>
  `${String(index).padStart(4, '0')}-${kind}-${to.replace(/[^A-Za-z0-9@._-]/g, '_')}.eml`;

const kindOf = async (path: string) => {
  try {
    const stat = await lstat(path);
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'folder' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw error;
  }
};

/** Removes a regular file the demo wrote; anything else by that name (a folder, a link) stays. */
const removeFile = async (path: string, removed: string[]) => {
  if ((await kindOf(path)) !== 'file') return;
  await rm(path);
  removed.push(path);
};

/** Removes the files of a folder the demo wrote that `ours` recognizes, then the folder once empty. */
const clearFolder = async (dir: string, ours: (name: string) => boolean, removed: string[]) => {
  if ((await kindOf(dir)) !== 'folder') return;
  for (const name of await readdir(dir)) if (ours(name)) await removeFile(join(dir, name), removed);
  if ((await readdir(dir)).length === 0) await rmdir(dir);
};

/**
 * Removes what an earlier run of the demo wrote under `out`, so that each run starts with none of it:
 * the emails, the campaign folder's files, the results workbook and the endpoint file. Returns the
 * files removed.
 */
export const clearDemoOutputs = async (out: string): Promise<string[]> => {
  const removed: string[] = [];
  await clearFolder(join(out, DEMO_OUTPUTS.mail), (name) => DEMO_EMAIL.test(name), removed);
  await clearFolder(join(out, DEMO_OUTPUTS.campaignFolder), (name) => CAMPAIGN_FOLDER_FILES.has(name), removed);
  await removeFile(join(out, DEMO_OUTPUTS.results), removed);
  await removeFile(join(out, DEMO_OUTPUTS.endpoint), removed);
  return removed;
};
