import { describe, expect, it } from 'vitest';
import { parseRobots } from './robots.ts';

const UA = 'hoidap-sync/1.0 (+https://github.com/hoidap)';

const PORTAL = `
# Cổng thông tin điện tử — robots.txt
User-agent: *
Disallow: /admin/
Disallow: /*?page=
Disallow: /vbpq/*.pdf$
Allow: /vbpq/
Disallow: /tìm-kiếm
Crawl-delay: 2

Sitemap: https://example.gov.vn/sitemap.xml
`;

describe('parseRobots: allow and disallow', () => {
  const cases: [string, string, string, boolean][] = [
    // [what, robots.txt, path, allowed]
    ['empty file allows everything', '', '/anything', true],
    ['empty Disallow allows everything', 'User-agent: *\nDisallow:', '/vbpq/van-ban-1', true],
    ['Disallow: / blocks everything', 'User-agent: *\nDisallow: /', '/vbpq/van-ban-1', false],
    ['robots.txt itself is always allowed', 'User-agent: *\nDisallow: /', '/robots.txt', true],
    ['a prefix rule blocks what it prefixes', PORTAL, '/admin/login', false],
    ['a prefix rule leaves siblings alone', PORTAL, '/administration', true],
    ['a portal document page is allowed', PORTAL, '/vbpq/Pages/chitiet.aspx?ItemID=12345', true],
    ['* matches a paged listing anywhere', PORTAL, '/vbpq/danh-sach?page=2', false],
    ['* matches a paged listing at the root', PORTAL, '/?page=3', false],
    ['a query without page= is allowed', PORTAL, '/?tu-khoa=dat-dai', true],
    ['$ anchors: a PDF under /vbpq is blocked', PORTAL, '/vbpq/2024/nghi-dinh-15.pdf', false],
    ['$ anchors: a PDF with a query is not the end, so allowed', PORTAL, '/vbpq/2024/nghi-dinh-15.pdf?download=1', true],
    ['raw Vietnamese rule matches a percent-encoded path', PORTAL, '/t%C3%ACm-ki%E1%BA%BFm?q=h%E1%BB%99+t%E1%BB%8Bch', false],
    ['lower-case escapes match too', PORTAL, '/t%c3%acm-ki%e1%ba%bfm', false],
    ['longest match wins: Allow longer than Disallow', 'User-agent: *\nDisallow: /thu-tuc/\nAllow: /thu-tuc/cong-khai/', '/thu-tuc/cong-khai/tt-01', true],
    ['longest match wins: Disallow longer than Allow', 'User-agent: *\nAllow: /thu-tuc/\nDisallow: /thu-tuc/noi-bo/', '/thu-tuc/noi-bo/tt-02', false],
    ['order does not matter, only length', 'User-agent: *\nAllow: /thu-tuc/cong-khai/\nDisallow: /thu-tuc/', '/thu-tuc/cong-khai/tt-01', true],
    ['Allow wins a tie', 'User-agent: *\nDisallow: /hoi-dap\nAllow: /hoi-dap', '/hoi-dap/123', true],
    ['* in the middle', 'User-agent: *\nDisallow: /vbpq/*/print', '/vbpq/2024/nd-15/print', false],
    ['regex characters in a rule are literal', 'User-agent: *\nDisallow: /a.b(c)', '/axb(c)', true],
    ['keys are case-insensitive and comments are dropped', 'USER-AGENT: *  # mọi bot\nDISALLOW: /private # bí mật', '/private/x', false],
    ['CRLF line endings and a BOM', '\uFEFFUser-agent: *\r\nDisallow: /tmp\r\n', '/tmp/a', false],
    ['rules before any User-agent are ignored', 'Disallow: /\nUser-agent: *\nDisallow: /x', '/y', true],
  ];
  it.each(cases)('%s', (_what, text, path, allowed) => {
    expect(parseRobots(text, UA).allowed(path)).toBe(allowed);
  });
});

describe('parseRobots: choosing the group', () => {
  it('prefers a group naming our product token over *', () => {
    const robots = parseRobots('User-agent: *\nDisallow: /\n\nUser-agent: hoidap-sync\nDisallow: /admin', UA);
    expect(robots.allowed('/vbpq/1')).toBe(true);
    expect(robots.allowed('/admin')).toBe(false);
  });

  it('matches the agent name case-insensitively and ignores its version', () => {
    expect(parseRobots('User-agent: HoiDap-Sync/2.0\nDisallow: /x', UA).allowed('/x')).toBe(false);
  });

  it('picks the most specific matching group', () => {
    const text = 'User-agent: hoidap\nDisallow: /a\n\nUser-agent: hoidap-sync\nDisallow: /b';
    const robots = parseRobots(text, UA);
    expect(robots.allowed('/a')).toBe(true);
    expect(robots.allowed('/b')).toBe(false);
  });

  it('treats a shorter name as ours only at a hyphen boundary', () => {
    expect(parseRobots('User-agent: hoidap\nDisallow: /a', UA).allowed('/a')).toBe(false);
    expect(parseRobots('User-agent: hoid\nDisallow: /a', UA).allowed('/a')).toBe(true);
  });

  it('shares one group between consecutive User-agent lines', () => {
    const robots = parseRobots('User-agent: googlebot\nUser-agent: hoidap-sync\nDisallow: /shared', UA);
    expect(robots.allowed('/shared')).toBe(false);
  });

  it('merges groups that name the same agent', () => {
    const robots = parseRobots('User-agent: hoidap-sync\nDisallow: /a\n\nUser-agent: *\nDisallow: /c\n\nUser-agent: hoidap-sync\nDisallow: /b', UA);
    expect([robots.allowed('/a'), robots.allowed('/b'), robots.allowed('/c')]).toEqual([false, false, true]);
  });

  it('ignores groups for other bots when there is no * group', () => {
    expect(parseRobots('User-agent: googlebot\nDisallow: /', UA).allowed('/vbpq/1')).toBe(true);
  });
});

describe('parseRobots: Crawl-delay', () => {
  it('reads the delay of the chosen group', () => {
    expect(parseRobots(PORTAL, UA).crawlDelaySec).toBe(2);
  });

  it('accepts fractional seconds', () => {
    expect(parseRobots('User-agent: *\nCrawl-delay: 0.5', UA).crawlDelaySec).toBe(0.5);
  });

  it('is null when absent or not a number', () => {
    expect(parseRobots('User-agent: *\nDisallow: /x', UA).crawlDelaySec).toBeNull();
    expect(parseRobots('User-agent: *\nCrawl-delay: soon', UA).crawlDelaySec).toBeNull();
  });

  it('does not take the delay of another bot', () => {
    expect(parseRobots('User-agent: bingbot\nCrawl-delay: 30\n\nUser-agent: *\nCrawl-delay: 1', UA).crawlDelaySec).toBe(1);
  });
});
