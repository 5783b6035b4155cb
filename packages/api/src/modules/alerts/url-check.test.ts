import { describe, expect, it } from 'vitest';
import { checkDestinationUrl, isPrivateAddress } from './url-check.js';

describe('isPrivateAddress', () => {
  it('refuses loopback, link-local, private and mapped addresses; allows public ones', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.31.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
    ]) {
      expect([a, isPrivateAddress(a)]).toEqual([a, true]);
    }
    for (const a of ['93.184.216.34', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) {
      expect([a, isPrivateAddress(a)]).toEqual([a, false]);
    }
  });
});

describe('checkDestinationUrl', () => {
  it('refuses other schemes and private hosts, naming the field', async () => {
    await expect(checkDestinationUrl('ftp://example.com/x', 'url', false)).rejects.toThrow(
      'url: must use http or https (got ftp)',
    );
    await expect(checkDestinationUrl('http://127.0.0.1:9/x', 'url', false)).rejects.toThrow(
      'url: 127.0.0.1 resolves to a loopback, link-local or private address (127.0.0.1)',
    );
    await expect(checkDestinationUrl('http://[::1]/x', 'url', false)).rejects.toThrow('(::1)');
    await expect(checkDestinationUrl('http://localhost/x', 'url', false)).rejects.toThrow(
      'url: localhost resolves to a loopback',
    );
    expect((await checkDestinationUrl('http://127.0.0.1:9/x', 'url', true)).port).toBe('9');
  });
});
