import { describe, expect, it } from 'vitest';
import { dohResolve } from './doh.ts';

const answering = (answers: Record<string, unknown>) => {
  const asked: string[] = [];
  const f = (async (url: string | URL | Request) => {
    const u = new URL(String(url));
    asked.push(`${u.searchParams.get('name')} ${u.searchParams.get('type')}`);
    return Response.json(answers[u.searchParams.get('type')!] ?? { Status: 0, Answer: [] });
  }) as typeof fetch;
  return { f, asked };
};

describe('DNS over HTTPS', () => {
  it('returns the A and AAAA addresses, ignoring CNAME records', async () => {
    const { f, asked } = answering({
      A: { Status: 0, Answer: [{ type: 5, data: 'cdn.example.' }, { type: 1, data: '203.0.113.7' }] },
      AAAA: { Status: 0, Answer: [{ type: 28, data: '2001:db8::7' }] },
    });
    expect(await dohResolve('vanban.chinhphu.vn', { fetch: f })).toEqual(['203.0.113.7', '2001:db8::7']);
    expect(asked).toEqual(['vanban.chinhphu.vn A', 'vanban.chinhphu.vn AAAA']);
  });

  it('fails for a host that does not exist, has no address, or when the resolver errs', async () => {
    await expect(dohResolve('khong-co.vn', { fetch: answering({ A: { Status: 3 } }).f })).rejects.toThrow(/no such host/);
    await expect(dohResolve('trong.vn', { fetch: answering({}).f })).rejects.toThrow(/no address/);
    await expect(dohResolve('x.vn', { fetch: (async () => new Response('', { status: 502 })) as typeof fetch })).rejects.toThrow(/502/);
  });
});
