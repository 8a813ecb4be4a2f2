import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { type DemoPageConfig, DemoPageConfigSchema, pageConfigJson } from './pageConfig.ts';

const config: DemoPageConfig = {
  emulatorUrl: 'http://127.0.0.1:8790',
  chains: [
    { chainId: 84532, name: 'Base </script><script>alert(1)</script>', rpcUrl: 'http://127.0.0.1:9545' },
  ],
  token: { address: '0xbcD7fB6CeB53dD7529a391fd0c00F716a68242DC', symbol: 'OTUSD', decimals: 6 },
};

describe('the demo page config', () => {
  it('cannot end the <script> element it is written into, and reads back the same', () => {
    const json = pageConfigJson(config);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(v.parse(DemoPageConfigSchema, JSON.parse(json))).toEqual(config);
  });

  it('refuses a chain without an RPC URL or a token that is not an address', () => {
    const noRpc = { ...config, chains: [{ chainId: 84532, name: 'Base Sepolia', rpcUrl: '' }] };
    expect(v.safeParse(DemoPageConfigSchema, noRpc).success).toBe(false);
    const badToken = { ...config, token: { ...config.token, address: '0x12' } };
    expect(v.safeParse(DemoPageConfigSchema, badToken).success).toBe(false);
  });
});
