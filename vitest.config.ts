import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // The embedded cloud's stack, synthesized once before the test files start their clouds in parallel.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time on two cores: integration files spend much of their time waiting on the embedded
    // cloud (timers, network), which one file at a time leaves idle.
    maxWorkers: 2,
    // Handler modules read their configuration at load; unit tests get a fixed one.
    env: {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      TABLE_NAME: 'test-table',
      MAIL_FROM: 'supervision@example.gov.cn',
      SURVEY_BASE_URL: 'https://survey.example.gov.cn',
      LINK_SECRET: 'unit-test-link-secret-0123456789abcdef',
      // The survey's pages name the evidence bucket's origin in their policy.
      EVIDENCE_BUCKET: 'test-evidence',
      // Handler tests change a campaign's status between calls; the cache has its own tests.
      CAMPAIGN_CACHE_SECONDS: '0',
    },
    reporters: ['default'],
  },
});
