import { expect, test } from 'vitest';
import manifest from '../../manifest.json' with { type: 'json' };
import { hostPermissionsFor, settingsHosts } from './hostPermissions.ts';

test('the permissions to ask for are the declared ones that cover Okto and the companion', () => {
  const declared = manifest.host_permissions;
  const local = {
    environment: 'local',
    localBaseUrl: 'http://127.0.0.1:8790',
    companionUrl: 'http://localhost:8791',
  } as const;
  expect(hostPermissionsFor(settingsHosts(local), declared)).toEqual([
    'http://127.0.0.1/*',
    'http://localhost/*',
  ]);
  const sandbox = {
    ...local,
    environment: 'sandbox',
    companionUrl: 'https://companion.example.com',
  } as const;
  // The sandbox is declared; a companion the manifest does not name cannot be asked for.
  expect(settingsHosts(sandbox)).toEqual(['https://sandbox-api.okto.tech', 'https://companion.example.com']);
  expect(hostPermissionsFor(settingsHosts(sandbox), declared)).toEqual(['https://sandbox-api.okto.tech/*']);
  expect(hostPermissionsFor(['not a url', 'http://127.0.0.1:1', 'http://127.0.0.1:2'], declared)).toEqual([
    'http://127.0.0.1/*',
  ]);
});
