import { defineConfig } from '@playwright/test';

// No `projects` and no browser downloads: tests/e2e/fixtures.ts launches Debian's Chromium
// (CHROMIUM_PATH, default /usr/bin/chromium) with the built extension from dist/chrome/ (tests/firefox/ drives dist/firefox/ with puppeteer-core).
export default defineConfig({
  testDir: 'tests/e2e',
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  reporter: 'list',
  forbidOnly: !!process.env.CI,
});
