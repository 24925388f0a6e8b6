import { execFileSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { z } from 'zod';

/**
 * The browser the page and email tests drive. In order of preference:
 *
 * 1. `CHROMIUM_PATH`, when set: any Chromium or Chrome binary;
 * 2. the system's Chromium (Debian's `chromium` package, as `.ci/run` installs it);
 * 3. the headless Chromium of the `@sparticuz/chromium` dev dependency, inflated once into
 *    `node_modules/.cache/service-supervision/`, so `npm ci && npm test` needs nothing from the
 *    system — its archive carries the few shared libraries (NSS) a bare Debian lacks.
 *
 * Whichever runs, a fontconfig file adds the Noto Sans SC fonts of the `@expo-google-fonts/noto-sans-sc`
 * dev dependency, so Chinese renders as Chinese and not as boxes on a machine with no CJK font.
 */

const require = createRequire(import.meta.url);
const cacheRoot = resolve(import.meta.dirname, '../../node_modules/.cache/service-supervision');

const SYSTEM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
];

/** Debian's Chromium, headless, as root, on a machine with no outside network: without the
 * background-networking flags it keeps trying to reach Google's hosts. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The bundled headless shell draws with SwiftShader (software Vulkan behind ANGLE), in the browser process. */
const BUNDLED_GRAPHICS = [
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--in-process-gpu',
  '--ignore-gpu-blocklist',
];

const isExecutableFile = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

const Env = z.object({
  CHROMIUM_PATH: z
    .string()
    .trim()
    .min(1)
    .refine(isExecutableFile, {
      error: (issue) =>
        `CHROMIUM_PATH=${String(issue.input)} is not an executable file: point it at a Chromium or Chrome binary, or unset it to use the system's or the bundled one`,
    })
    .optional(),
});

export interface ChromiumInstall {
  readonly source: 'CHROMIUM_PATH' | 'system' | 'bundled';
  readonly executablePath: string;
  /** Extra environment the binary needs (shared libraries, fonts). */
  readonly env: Readonly<Record<string, string>>;
}

const bundledPackageDir = (): string => dirname(dirname(require.resolve('@sparticuz/chromium')));

/**
 * Inflates the bundled Chromium once. The package's own `inflate` writes into `os.tmpdir()` under
 * fixed names, so it runs in a child process whose TMPDIR is a fresh staging folder, which is then
 * renamed into place: test files launching at the same time never see a half-written binary.
 */
const inflateBundled = (): string => {
  const packageDir = bundledPackageDir();
  const { version } = z
    .object({ version: z.string() })
    .parse(JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')));
  const target = join(cacheRoot, `chromium-${version}`);
  if (isExecutableFile(join(target, 'chromium'))) return target;
  mkdirSync(cacheRoot, { recursive: true });
  const staging = mkdtempSync(join(cacheRoot, `.chromium-${version}-`));
  const archives = ['chromium.br', 'fonts.tar.br', 'swiftshader.tar.br', 'al2023.tar.br'].map((name) =>
    join(packageDir, 'bin', name),
  );
  const script = `const { inflate } = await import(${JSON.stringify(pathToFileURL(require.resolve('@sparticuz/chromium')).href)});
await Promise.all(${JSON.stringify(archives)}.map((archive) => inflate(archive)));`;
  try {
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, TMPDIR: staging },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // Another test file inflated it first: its copy is as good as ours.
    if (isExecutableFile(join(target, 'chromium'))) return target;
    throw new Error(`could not inflate the bundled Chromium from ${packageDir}: ${String(error)}`);
  }
  return target;
};

/** A fontconfig file: the system's fonts when there are any, then Noto Sans SC (and, for the
 * bundled browser, the Open Sans it ships), with a cache of our own. Rewritten only when changed. */
const fontconfigFile = (extraDirs: readonly string[]): string => {
  const noto = dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
  const dirs = [join(noto, '400Regular'), join(noto, '700Bold'), ...extraDirs];
  const xmlText = (path: string): string => path.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
  const xml = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
${dirs.map((dir) => `  <dir>${xmlText(dir)}</dir>`).join('\n')}
  <cachedir>${xmlText(join(cacheRoot, 'fontconfig'))}</cachedir>
</fontconfig>
`;
  const file = join(cacheRoot, `fonts-${extraDirs.length === 0 ? 'system' : 'bundled'}.conf`);
  if (existsSync(file) && readFileSync(file, 'utf8') === xml) return file;
  mkdirSync(cacheRoot, { recursive: true });
  const staging = `${file}.${process.pid}`;
  writeFileSync(staging, xml);
  renameSync(staging, file);
  return file;
};

export const resolveChromium = (environment: NodeJS.ProcessEnv = process.env): ChromiumInstall => {
  const parsed = Env.safeParse(environment);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  const override = parsed.data.CHROMIUM_PATH;
  if (override !== undefined) {
    return { source: 'CHROMIUM_PATH', executablePath: override, env: { FONTCONFIG_FILE: fontconfigFile([]) } };
  }
  const system = SYSTEM_CANDIDATES.find(isExecutableFile);
  if (system !== undefined)
    return { source: 'system', executablePath: system, env: { FONTCONFIG_FILE: fontconfigFile([]) } };
  const dir = inflateBundled();
  const libraries = [join(dir, 'al2023', 'lib'), environment.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return {
    source: 'bundled',
    executablePath: join(dir, 'chromium'),
    env: { FONTCONFIG_FILE: fontconfigFile([join(dir, 'fonts')]), LD_LIBRARY_PATH: libraries },
  };
};

export const launchChromium = (): Promise<Browser> => {
  const install = resolveChromium();
  return chromium.launch({
    executablePath: install.executablePath,
    env: { ...process.env, ...install.env },
    args: install.source === 'bundled' ? [...ARGS.filter((a) => a !== '--disable-gpu'), ...BUNDLED_GRAPHICS] : ARGS,
  });
};
