import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_OVERRIDES } from '../../../config/env.js';

const readme = fs.readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');

describe('README', () => {
  it('documents every environment variable the config reads, with its key', () => {
    const table = readme.slice(readme.indexOf('<!-- env-table:start -->'), readme.indexOf('<!-- env-table:end -->'));
    for (const o of ENV_OVERRIDES) {
      const row = table.split('\n').find((l) => l.startsWith(`| \`${o.env}\``));
      expect(row, `README row for ${o.env}`).toBeDefined();
      expect(row).toContain(`\`${o.path.join('.')}\``);
      if (o.secret) expect(row).toContain('(secret)');
    }
  });
  it('names the two commands that .ci/run and a new user use', () => {
    expect(readme).toContain('npm start');
    expect(readme).toContain('npm test');
    expect(fs.readFileSync(path.join(__dirname, '../../../.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });
});
