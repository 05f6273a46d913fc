import { defineConfig } from 'vitest/config';

// `unit` runs anywhere with no hardware and no services (npm test); `integration` needs pcscd +
// vpcd, Mosquitto, PostgreSQL and Chromium, `containers` podman as well (.ci/run).
const CONTAINER_TESTS = ['test/integration/deploy-container.test.ts', 'test/integration/deploy-pi-systemd.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          exclude: CONTAINER_TESTS,
          testTimeout: 180_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        // The deployment tests under podman: image builds and a systemd boot, with apt and npm
        // inside. They share nothing with the rest but PostgreSQL and Mosquitto (own schema and
        // topics), so CI runs them beside the integration project.
        test: {
          name: 'containers',
          include: CONTAINER_TESTS,
          testTimeout: 180_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
