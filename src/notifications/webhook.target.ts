import dns from 'node:dns/promises';
import net from 'node:net';
import { invalid } from '../core/errors.js';

/** Whether an IP address is loopback, private, link-local, unique-local, CGNAT or unspecified. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped?.[1] ?? address;
  if (net.isIPv4(ip)) {
    const [a = 0, b = 0] = ip.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b < 128) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b < 32) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  const v6 = ip.toLowerCase();
  return (
    v6 === '::' ||
    v6 === '::1' ||
    v6.startsWith('fc') ||
    v6.startsWith('fd') ||
    v6.startsWith('fe8') ||
    v6.startsWith('fe9') ||
    v6.startsWith('fea') ||
    v6.startsWith('feb') ||
    v6.startsWith('ff')
  );
}

/** Parses a webhook URL: http(s) only, no credentials in it. */
export function parseWebhookUrl(raw: string, path = '/body/url'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('the webhook URL is not a URL', [{ path, reason: 'must be an absolute http(s) URL' }]);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid(`a webhook URL must be http(s), not ${url.protocol}`, [
      { path, reason: 'must use http or https' },
    ]);
  if (url.username !== '' || url.password !== '')
    throw invalid('a webhook URL carries no credentials', [
      { path, reason: 'must not contain a user name or password; the signature authenticates' },
    ]);
  return url;
}

/** The host of a URL without IPv6 brackets. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * Refuses, when the subscription is made, a URL whose host is a private or loopback address literal
 * or `localhost` (unless allowed). Host names are resolved only when sending (`resolveWebhookTarget`),
 * so creating a subscription does no network I/O.
 */
export function checkWebhookUrl(url: URL, allowPrivate: boolean, path = '/body/url'): void {
  if (allowPrivate) return;
  const host = hostOf(url);
  if (host === 'localhost' || host.endsWith('.localhost') || (net.isIP(host) !== 0 && isPrivateAddress(host)))
    throw invalid(`the webhook host ${host} is a private or loopback address`, [
      { path, reason: 'must be a public address (private and loopback targets are refused)' },
    ]);
}

/**
 * Before each attempt: the addresses the host resolves to must all be public (unless allowed), so a
 * subscriber cannot turn the server into a probe of its own network. Returns why not, or undefined.
 */
export async function refusedTarget(url: URL, allowPrivate: boolean): Promise<string | undefined> {
  if (allowPrivate) return undefined;
  const host = hostOf(url);
  let addresses: string[];
  if (net.isIP(host) !== 0) addresses = [host];
  else {
    try {
      addresses = (await dns.lookup(host, { all: true })).map((a) => a.address);
    } catch {
      return `the host ${host} does not resolve`;
    }
  }
  const bad = addresses.find(isPrivateAddress);
  return bad !== undefined ? `the host ${host} resolves to the private address ${bad}` : undefined;
}
