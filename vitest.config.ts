import { defineConfig } from 'vitest/config';

// Separate from vite.config.ts so unit and integration tests never load the crx plugin.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'vite/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
