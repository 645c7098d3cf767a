// Uses the backend at E2E_BASE_URL (scripts/e2e.sh starts one); otherwise starts one from the
// repository on a free port with a throw-away database (lib/backend.mjs) and stops it after.
// The workers read E2E_BASE_URL / E2E_DATABASE_URL from the environment set here.
import { useBackend } from './lib/backend.mjs';
import { MAX_TOKEN } from './fixtures';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const backend = await useBackend({ botToken: MAX_TOKEN });
  process.env.E2E_BASE_URL = backend.baseUrl;
  return backend.stop;
}
