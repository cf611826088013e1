import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

/** Longest accepted webhook URL. */
export const MAX_URL_LENGTH = 2048;

/**
 * Why `url` may not receive deliveries, or null. In production only https, and only to public
 * addresses: every address the host resolves to must be public unicast (no private, loopback,
 * link-local, carrier-grade NAT or metadata address), so a webhook cannot make the server call
 * into its own network (SSRF). Elsewhere (development, tests) any http(s) URL, 127.0.0.1
 * included. The check at delivery is the agent's (`deliveryAgent`), at connect time, so a DNS
 * answer changed after this check cannot get around it.
 */
export async function refusedWebhookUrl(url: string, production: boolean): Promise<string | null> {
  if (url.length > MAX_URL_LENGTH) return `A webhook URL has at most ${MAX_URL_LENGTH} characters.`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'The webhook URL is not a valid absolute URL.';
  }
  if (parsed.username || parsed.password) return 'A webhook URL may not carry credentials; verify deliveries by their signature.';
  if (parsed.hash) return 'A webhook URL may not have a fragment.';
  if (!production) return ['http:', 'https:'].includes(parsed.protocol) ? null : 'A webhook URL must be http or https.';
  if (parsed.protocol !== 'https:') return 'A webhook URL must be https.';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return 'The webhook host does not resolve.';
  }
  if (addresses.length === 0 || !addresses.every(isPublicAddress)) {
    return 'The webhook host resolves to a private, loopback or link-local address; deliveries go to public addresses only.';
  }
  return null;
}

/** A public unicast address (an IPv4-mapped IPv6 address is judged as its IPv4 address). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return parsed.range() === 'unicast';
}

/** The agents of deliveries (one worker's): in production they refuse, at connect time, any address that is not public. */
export function deliveryAgents(production: boolean): { agentFor(url: string): RequestFilteringHttpAgent | RequestFilteringHttpsAgent; destroy(): void } {
  const options = { allowPrivateIPAddress: !production, allowMetaIPAddress: !production, keepAlive: true };
  const https = new RequestFilteringHttpsAgent(options);
  const http = new RequestFilteringHttpAgent(options);
  return {
    agentFor: (url) => (url.startsWith('https:') ? https : http),
    destroy: () => {
      https.destroy();
      http.destroy();
    },
  };
}
