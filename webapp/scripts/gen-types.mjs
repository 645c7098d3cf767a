// Generates src/api/schema.d.ts from openapi.json (the backend's document, written by
// scripts/export_openapi.py). `npm run gen:types` runs both; src/api/schema.test.ts fails when
// the committed schema.d.ts is not what this produces.
import { readFile, writeFile } from 'node:fs/promises';
import openapiTS, { astToString } from 'openapi-typescript';

export const OPENAPI = new URL('../openapi.json', import.meta.url);
export const SCHEMA = new URL('../src/api/schema.d.ts', import.meta.url);
const HEADER =
  '// Generated from openapi.json by `npm run gen:types` (openapi-typescript). Do not edit.\n\n';

export async function generate() {
  const document = JSON.parse(await readFile(OPENAPI, 'utf8'));
  return HEADER + astToString(await openapiTS(document));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  await writeFile(SCHEMA, await generate());
}
