import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The Worker bundles prompts and the built widget as text (wrangler.toml [[rules]]); tests that load
  // src/main.worker.ts get the same.
  plugins: [
    {
      name: 'text-modules',
      transform(code, id) {
        if (id.endsWith('.md') || id.endsWith('.txt')) return { code: `export default ${JSON.stringify(code)};`, map: null };
        return null;
      },
    },
  ],
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
