// @vitest-environment node
// The web app's types cannot drift from the backend without a test failing: schema.d.ts must be
// what openapi-typescript makes of openapi.json, and `npm run gen:types` (the documented refresh:
// the backend's document, then the types) must change neither committed file.
// tests/test_contract.py checks openapi.json against the backend on the Python side too.
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script, no declarations
import { generate, OPENAPI, SCHEMA } from '../../scripts/gen-types.mjs';

describe('generated API types', () => {
  it('schema.d.ts is generated from the committed openapi.json', async () => {
    const committed = await readFile(SCHEMA as URL, 'utf8');
    expect(committed === (await generate()), 'stale: run `npm run gen:types`').toBe(true);
  });

  it('npm run gen:types reproduces both committed files', async () => {
    const files = [OPENAPI as URL, SCHEMA as URL];
    const before = await Promise.all(files.map((f) => readFile(f, 'utf8')));
    try {
      execFileSync('npm', ['run', '--silent', 'gen:types'], { stdio: 'pipe' });
      const after = await Promise.all(files.map((f) => readFile(f, 'utf8')));
      expect(after[0] === before[0], 'openapi.json is stale: run `npm run gen:types`').toBe(true);
      expect(after[1] === before[1], 'schema.d.ts is stale: run `npm run gen:types`').toBe(true);
    } finally {
      await Promise.all(files.map((f, i) => writeFile(f, before[i])));
    }
  }, 120_000);
});
