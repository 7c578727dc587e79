/**
 * robots.txt parsing (RFC 9309, plus the Crawl-delay extension most portals still use).
 *
 * Group selection: the group whose User-agent is the most specific match for our product token wins
 * (exact token, or a prefix of it ending at a '-': "hoidap" matches "hoidap-sync"); groups naming the same
 * agent are merged, as RFC 9309 asks; '*' is the fallback; no matching group means everything is allowed.
 * Rule precedence: the longest matching pattern wins, and Allow wins a tie (the least restrictive rule).
 */

export interface Robots {
  /** `path` is the URL path plus query, as `URL.pathname + URL.search` gives it. */
  allowed(path: string): boolean;
  crawlDelaySec: number | null;
}

interface Rule {
  allow: boolean;
  length: number;
  /** The pattern split at its "*" wildcards. */
  parts: string[];
  /** Ends in "$": must match to the end of the path. */
  anchored: boolean;
}

interface Group {
  agents: string[];
  rules: Rule[];
  crawlDelaySec: number | null;
}

export const ALLOW_ALL: Robots = { allowed: () => true, crawlDelaySec: null };

export function parseRobots(text: string, userAgent: string): Robots {
  const chosen = selectGroups(parseGroups(text), agentToken(userAgent));
  const rules = chosen.flatMap((g) => g.rules);
  const delays = chosen.map((g) => g.crawlDelaySec).filter((d): d is number => d !== null);
  return {
    crawlDelaySec: delays.length > 0 ? Math.max(...delays) : null,
    allowed: (path) => isAllowed(rules, path),
  };
}

function parseGroups(text: string): Group[] {
  const groups: Group[] = [];
  let current: Group | null = null;
  // Consecutive User-agent lines share one group; the first rule line closes the agent list.
  let collectingAgents = false;
  for (const line of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    const content = line.replace(/#.*$/, '').trim();
    const colon = content.indexOf(':');
    if (colon < 0) continue;
    const key = content.slice(0, colon).trim().toLowerCase();
    const value = content.slice(colon + 1).trim();
    if (key === 'user-agent') {
      if (!current || !collectingAgents) {
        current = { agents: [], rules: [], crawlDelaySec: null };
        groups.push(current);
      }
      current.agents.push(agentToken(value));
      collectingAgents = true;
    } else if (key === 'allow' || key === 'disallow') {
      if (!current) continue;
      collectingAgents = false;
      // An empty Disallow means "nothing is disallowed"; an empty Allow says nothing either.
      if (value !== '') current.rules.push(compileRule(key === 'allow', value));
    } else if (key === 'crawl-delay') {
      if (!current) continue;
      collectingAgents = false;
      const seconds = Number(value);
      if (value !== '' && Number.isFinite(seconds) && seconds >= 0) current.crawlDelaySec = seconds;
    }
    // Sitemap and unknown keys belong to no group and change nothing.
  }
  return groups;
}

/** "Googlebot/2.1 (+http://…)" → "googlebot": versions and comments never take part in matching. */
function agentToken(value: string): string {
  return (value.trim().split(/[/\s]/)[0] ?? '').toLowerCase();
}

function selectGroups(groups: Group[], token: string): Group[] {
  let bestLength = 0;
  let best: Group[] = [];
  for (const group of groups) {
    const length = Math.max(0, ...group.agents.filter((a) => a !== '*' && matchesAgent(a, token)).map((a) => a.length));
    if (length === 0) continue;
    if (length > bestLength) {
      bestLength = length;
      best = [group];
    } else if (length === bestLength) {
      best.push(group);
    }
  }
  return best.length > 0 ? best : groups.filter((g) => g.agents.includes('*'));
}

function matchesAgent(agent: string, token: string): boolean {
  return agent !== '' && (token === agent || token.startsWith(`${agent}-`));
}

function compileRule(allow: boolean, pattern: string): Rule {
  const normalised = normalise(pattern);
  const anchored = normalised.endsWith('$');
  const body = anchored ? normalised.slice(0, -1) : normalised;
  return { allow, length: normalised.length, parts: body.split('*'), anchored };
}

/**
 * Whether a rule matches a path, in linear time. Not a regular expression: "/*a*a*a*a*b$" compiled
 * to one backtracks exponentially (a second per 60-character path with five stars), and a portal's
 * robots.txt must not be able to stall the service. Each middle part is taken at its leftmost
 * occurrence, which is always safe when "*" is the only wildcard.
 */
function ruleMatches(rule: Rule, target: string): boolean {
  const { parts, anchored } = rule;
  const first = parts[0]!;
  if (parts.length === 1) return anchored ? target === first : target.startsWith(first);
  if (!target.startsWith(first)) return false;
  let pos = first.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const at = target.indexOf(parts[i]!, pos);
    if (at < 0) return false;
    pos = at + parts[i]!.length;
  }
  const last = parts[parts.length - 1]!;
  return anchored ? target.length - last.length >= pos && target.endsWith(last) : target.indexOf(last, pos) >= 0;
}

function isAllowed(rules: Rule[], path: string): boolean {
  const target = normalise(path === '' ? '/' : path);
  if (target === '/robots.txt') return true;
  let best: Rule | null = null;
  for (const rule of rules) {
    if (!ruleMatches(rule, target)) continue;
    if (!best || rule.length > best.length || (rule.length === best.length && rule.allow)) best = rule;
  }
  return best ? best.allow : true;
}

/**
 * Compare in one form: robots files often hold raw Vietnamese ("/tìm-kiếm") while URL paths arrive
 * percent-encoded ("/t%C3%ACm-ki%E1%BA%BFm"), so encode non-ASCII as UTF-8 and upper-case every escape.
 */
function normalise(s: string): string {
  const encoder = new TextEncoder();
  return s
    .replace(/%[0-9a-f]{2}/gi, (m) => m.toUpperCase())
    .replace(/[^\x00-\x7f]+/g, (m) =>
      Array.from(encoder.encode(m.normalize('NFC')), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
    );
}
