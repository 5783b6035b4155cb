import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { badInput } from '../../errors.js';

/**
 * Server-side request forgery guard for webhook destinations (docs/alerts.md#destinations):
 * http(s) only, and unless private addresses are allowed (`ALERT_ALLOW_PRIVATE_URLS=1`) every
 * address the host resolves to must be public — a name with one private address among public
 * ones is refused. Checked when a destination is saved and again before every delivery (a
 * name may be re-pointed in between).
 */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  // an IPv4-mapped IPv6 address (::ffff:127.0.0.1) is the IPv4 address
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return PRIVATE.check(mapped[1], 'ipv4');
  return family === 6 ? PRIVATE.check(address, 'ipv6') : true;
}

/** The URL, parsed, or BAD_USER_INPUT naming `field` and the rule it broke. */
export async function checkDestinationUrl(
  raw: string,
  field: string,
  allowPrivate: boolean,
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badInput(`${field}: must be an absolute http(s) URL (got ${JSON.stringify(raw)})`, field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badInput(`${field}: must use http or https (got ${url.protocol.slice(0, -1)})`, field);
  }
  if (url.username || url.password) {
    throw badInput(`${field}: must not carry credentials; sign with the secret instead`, field);
  }
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    throw badInput(`${field}: the host ${host} does not resolve`, field);
  }
  const refused = addresses.find(isPrivateAddress);
  if (refused !== undefined || addresses.length === 0) {
    throw badInput(
      `${field}: ${host} resolves to a loopback, link-local or private address (${refused}); set ALERT_ALLOW_PRIVATE_URLS=1 to allow it`,
      field,
    );
  }
  return url;
}
