import { defineConfig } from 'vitest/config';

// Test tiers (docs/ARCHITECTURE.md section 4): unit, loopback swarm, interop. e2e runs in Playwright.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // No CLI or host a test starts asks the machine's real router to map a port (issue 18).
          env: { SWARMSCOPE_NO_PORT_MAPPING: '1' },
          include: ['src-*/**/*.test.ts', 'src-*/**/*.test.tsx', 'scripts/**/*.test.ts'],
          exclude: ['**/*.swarm.test.ts', '**/*.interop.test.ts', 'node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'swarm',
          env: { SWARMSCOPE_NO_PORT_MAPPING: '1' },
          include: ['src-main/**/*.swarm.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'interop',
          env: { SWARMSCOPE_NO_PORT_MAPPING: '1' },
          include: ['src-main/**/*.interop.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
