// One test Official Account for the Zalo tests: its ids, its secret, and the configuration pointing
// its API at a local fake.
import { loadConfig, type Config } from '../../src/config/index.ts';

export const APP_ID = '4143927346023457012';
export const OA_SECRET = 'oa-secret-key-for-tests';
export const OA_ID = '579745863508352884';

/** The OA's configuration with its API and OAuth endpoints at `api` and `oauth` (fakes under msw or on loopback). */
export function zaloTestConfig(api: string, oauth: string): Config {
  return loadConfig({
    ZALO_APP_ID: APP_ID,
    ZALO_APP_SECRET: 'app-secret',
    ZALO_OA_SECRET_KEY: OA_SECRET,
    ZALO_ACCESS_TOKEN: 'AT-0',
    ZALO_REFRESH_TOKEN: 'RT-0',
    ZALO_API_BASE_URL: api,
    ZALO_OAUTH_BASE_URL: oauth,
  });
}
