import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRobots } from './robots.ts';

const anyText = fc.string({ unit: 'binary', maxLength: 300 });
const pathChars = (n: number) => fc.array(fc.constantFrom('a', 'b', '/'), { maxLength: n }).map((c) => `/${c.join('')}`);
const pattern = fc
  .tuple(fc.array(fc.constantFrom('a', 'b', '/', '*'), { maxLength: 10 }), fc.boolean())
  .map(([c, anchored]) => `/${c.join('')}${anchored ? '$' : ''}`);

/** The reference reading of a Google-style rule, as a regular expression (fine for short inputs). */
function reference(p: string, path: string): boolean {
  const anchored = p.endsWith('$');
  const body = anchored ? p.slice(0, -1) : p;
  return new RegExp(`^${body.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}${anchored ? '$' : ''}`).test(path);
}

describe('parseRobots', () => {
  it('matches "*" and "$" exactly as the regular-expression reading does', () => {
    fc.assert(
      fc.property(pattern, pathChars(14), (p, path) => {
        const robots = parseRobots(`User-agent: *\nDisallow: ${p}\n`, 'hoidap');
        expect(robots.allowed(path)).toBe(!reference(p, path));
      }),
      { numRuns: 1000 },
    );
  });

  it('lets the longest matching rule win, Allow on a tie', () => {
    fc.assert(
      fc.property(pathChars(6), pathChars(6), (dis, extra) => {
        const allow = `${dis}${extra.slice(1)}`;
        const robots = parseRobots(`User-agent: *\nDisallow: ${dis}\nAllow: ${allow}\n`, 'hoidap');
        // A path the longer Allow covers is allowed, one only the Disallow covers is not.
        expect(robots.allowed(`${allow}x`)).toBe(true);
        if (allow.length > dis.length) expect(robots.allowed(`${dis}x`)).toBe(`${dis}x`.startsWith(allow));
      }),
    );
  });

  it('decides on any file, agent and path quickly, without throwing', () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, (text, ua, path) => {
        const r = parseRobots(text, ua);
        expect(typeof r.allowed(path)).toBe('boolean');
        expect(r.crawlDelaySec === null || r.crawlDelaySec >= 0).toBe(true);
      }),
    );
  });

  it('stays linear on patterns full of wildcards (a hostile robots.txt cannot stall the service)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 40 }), fc.integer({ min: 100, max: 5000 }), (stars, len) => {
        const r = parseRobots(`User-agent: *\nDisallow: /${'*a'.repeat(stars)}*b$\n`, 'hoidap');
        const started = performance.now();
        expect(r.allowed(`/${'a'.repeat(len)}`)).toBe(true);
        expect(performance.now() - started).toBeLessThan(50);
      }),
      { numRuns: 30 },
    );
  });
});
