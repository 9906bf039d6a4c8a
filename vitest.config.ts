import { defineConfig } from 'vitest/config';

/**
 * One run for everything. Files run one after another: end-to-end files start real servers
 * (Tailchat, NATS, Redis, the OpenClaw gateway, Chromium) and the target machine has 2 cores.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    // One real Tailchat for the files that only need fresh users and groups, started by the
    // first of them (test/support/stack.ts).
    globalSetup: ['test/support/shared-tailchat.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default'],
    // Servers started by a file are stopped by that file; a crash must not hang the suite.
    teardownTimeout: 30_000,
  },
});
