// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text
// exposition format 0.0.4. Hand-written because the service needs a few dozen lines of it, and it
// must run unchanged on Node and Workers (prom-client is Node-only).

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Record<string, string>;

/** Prometheus' default latency buckets, in seconds. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Label values may hold anything; the format reserves backslash, double quote and newline. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes only backslash and newline. */
export function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function labelText(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const parts = names.map((n, i) => `${n}="${escapeLabelValue(values[i]!)}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

abstract class Metric<L extends string> {
  abstract readonly type: 'counter' | 'gauge' | 'histogram';

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
  ) {
    if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name: ${name}`);
    for (const l of labelNames) if (!LABEL_NAME.test(l) || l.startsWith('__') || l === 'le') throw new Error(`invalid label name on ${name}: ${l}`);
  }

  /** The label values in declared order; a missing or unknown label is a programming error. */
  protected values(labels: Partial<Record<L, string>>): string[] {
    const given = Object.keys(labels);
    if (given.length !== this.labelNames.length || given.some((k) => !(this.labelNames as readonly string[]).includes(k))) {
      throw new Error(`${this.name} takes labels {${this.labelNames.join(',')}}, got {${given.join(',')}}`);
    }
    return this.labelNames.map((n) => String(labels[n]));
  }

  protected header(): string {
    return `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
  }

  abstract render(): string;
}

/** Series keyed by their label values; a Map keeps the order they first appeared in. */
class Series<T> {
  private readonly map = new Map<string, { values: string[]; data: T }>();
  get(values: string[], make: () => T): T {
    const key = JSON.stringify(values);
    let s = this.map.get(key);
    if (!s) this.map.set(key, (s = { values, data: make() }));
    return s.data;
  }
  entries() {
    return this.map.values();
  }
  clear() {
    this.map.clear();
  }
}

export class Counter<L extends string = string> extends Metric<L> {
  readonly type = 'counter';
  private readonly series = new Series<{ v: number }>();

  inc(labels: Record<L, string>, by = 1): void {
    if (!(by >= 0)) throw new Error(`${this.name}: a counter only goes up (got ${by})`);
    this.series.get(this.values(labels), () => ({ v: 0 })).v += by;
  }

  /** The current value (0 for a series never incremented); for tests and derived figures. */
  get(labels: Record<L, string>): number {
    return this.series.get(this.values(labels), () => ({ v: 0 })).v;
  }

  render(): string {
    let out = this.header();
    for (const s of this.series.entries()) out += `${this.name}${labelText(this.labelNames, s.values)} ${formatValue(s.data.v)}\n`;
    return out;
  }
}

export class Gauge<L extends string = string> extends Metric<L> {
  readonly type = 'gauge';
  private readonly series = new Series<{ v: number }>();

  set(labels: Record<L, string>, v: number): void {
    this.series.get(this.values(labels), () => ({ v: 0 })).v = v;
  }

  /** Forgets every series: gauges filled from a snapshot drop the label sets that are gone. */
  reset(): void {
    this.series.clear();
  }

  render(): string {
    let out = this.header();
    for (const s of this.series.entries()) out += `${this.name}${labelText(this.labelNames, s.values)} ${formatValue(s.data.v)}\n`;
    return out;
  }
}

export class Histogram<L extends string = string> extends Metric<L> {
  readonly type = 'histogram';
  private readonly series = new Series<{ counts: number[]; sum: number; count: number }>();
  readonly buckets: number[];

  constructor(name: string, help: string, labelNames: readonly L[], buckets: number[] = DEFAULT_BUCKETS) {
    super(name, help, labelNames);
    const sorted = [...new Set(buckets)].filter((b) => Number.isFinite(b)).sort((a, b) => a - b);
    if (!sorted.length) throw new Error(`${name}: a histogram needs at least one finite bucket`);
    this.buckets = sorted;
  }

  observe(labels: Record<L, string>, v: number): void {
    const s = this.series.get(this.values(labels), () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    // Each observation lands in its own bucket; rendering makes the counts cumulative.
    const i = this.buckets.findIndex((b) => v <= b);
    if (i >= 0) s.counts[i]!++;
    s.sum += v;
    s.count++;
  }

  render(): string {
    let out = this.header();
    for (const s of this.series.entries()) {
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += s.data.counts[i]!;
        out += `${this.name}_bucket${labelText(this.labelNames, s.values, ['le', formatValue(b)])} ${cumulative}\n`;
      });
      out += `${this.name}_bucket${labelText(this.labelNames, s.values, ['le', '+Inf'])} ${s.data.count}\n`;
      out += `${this.name}_sum${labelText(this.labelNames, s.values)} ${formatValue(s.data.sum)}\n`;
      out += `${this.name}_count${labelText(this.labelNames, s.values)} ${s.data.count}\n`;
    }
    return out;
  }
}

export class Registry {
  private readonly metrics = new Map<string, { name: string; render(): string }>();

  private add<M extends { name: string; render(): string }>(m: M): M {
    if (this.metrics.has(m.name)) throw new Error(`metric registered twice: ${m.name}`);
    this.metrics.set(m.name, m);
    return m;
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return this.add(new Counter<L>(name, help, labelNames));
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return this.add(new Gauge<L>(name, help, labelNames));
  }

  histogram<L extends string>(name: string, help: string, labelNames: readonly L[] = [], buckets?: number[]): Histogram<L> {
    return this.add(new Histogram<L>(name, help, labelNames, buckets));
  }

  /** Every metric in registration order, in the text format (ends with a newline). */
  render(): string {
    return [...this.metrics.values()].map((m) => m.render()).join('');
  }
}
