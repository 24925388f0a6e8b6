import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveChromium } from '../support/browser.ts';

describe('the browser the page tests drive', () => {
  it('takes CHROMIUM_PATH when it names an executable, with the CJK fonts added', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chromium-path-'));
    const binary = join(dir, 'chrome');
    writeFileSync(binary, '#!/bin/sh\n');
    chmodSync(binary, 0o755);

    const install = resolveChromium({ CHROMIUM_PATH: binary });

    expect(install).toMatchObject({ source: 'CHROMIUM_PATH', executablePath: binary });
    expect(install.env.FONTCONFIG_FILE).toMatch(/fonts-system\.conf$/);
  });

  it('rejects a CHROMIUM_PATH that is not an executable file, saying what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chromium-path-'));
    const notExecutable = join(dir, 'chrome');
    writeFileSync(notExecutable, '');

    expect(() => resolveChromium({ CHROMIUM_PATH: notExecutable })).toThrow(
      `CHROMIUM_PATH=${notExecutable} is not an executable file: point it at a Chromium or Chrome binary`,
    );
    expect(() => resolveChromium({ CHROMIUM_PATH: dir })).toThrow('is not an executable file');
  });

  it('without CHROMIUM_PATH uses the system Chromium, or else the bundled one with its own libraries', () => {
    const install = resolveChromium({});

    if (install.source === 'bundled') {
      expect(install.executablePath).toMatch(/node_modules\/\.cache\/service-supervision\/chromium-[\d.]+\/chromium$/);
      expect(install.env.LD_LIBRARY_PATH).toMatch(/al2023\/lib/);
    } else {
      expect(install.source).toBe('system');
      expect(install.executablePath).toMatch(/^\/usr\/bin\//);
    }
  });
});
