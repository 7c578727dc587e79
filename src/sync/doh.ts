// DNS over HTTPS (Cloudflare's resolver, JSON API), for runtimes without a resolver of their own
// (Workers): the sync fetcher checks every address a portal's host name resolves to.
export const DOH_URL = 'https://cloudflare-dns.com/dns-query';

interface DohAnswer {
  Status?: number;
  Answer?: { type?: number; data?: string }[];
}

/** The IPv4 and IPv6 addresses of a host; throws when the resolver cannot be reached or says NXDOMAIN. */
export async function dohResolve(host: string, opts: { fetch?: typeof fetch; url?: string; timeoutMs?: number } = {}): Promise<string[]> {
  const doFetch = opts.fetch ?? fetch;
  const out: string[] = [];
  for (const type of ['A', 'AAAA']) {
    const res = await doFetch(`${opts.url ?? DOH_URL}?name=${encodeURIComponent(host)}&type=${type}`, {
      headers: { accept: 'application/dns-json' },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
    });
    if (!res.ok) throw new Error(`DNS over HTTPS answered ${res.status}`);
    const body = (await res.json()) as DohAnswer;
    if (body.Status === 3) throw new Error(`${host}: no such host`);
    for (const a of body.Answer ?? []) if ((a.type === 1 || a.type === 28) && typeof a.data === 'string') out.push(a.data);
  }
  if (!out.length) throw new Error(`${host}: no address`);
  return out;
}
