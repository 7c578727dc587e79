// Readable output for `hoidap eval`: a text table, and a single-file HTML report with bar charts
// (inline SVG, no scripts or network) under eval/reports/.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EvalReport, RankingMetrics } from './runner.ts';

const METRICS: [keyof RankingMetrics, string][] = [
  ['recall_at_1', 'R@1'],
  ['recall_at_5', 'R@5'],
  ['recall_at_10', 'R@10'],
  ['mrr_at_10', 'MRR@10'],
  ['ndcg_at_10', 'nDCG@10'],
];

export function formatReport(r: EvalReport): string {
  const rows: string[][] = [['system', ...METRICS.map(([, l]) => l), 'p50 ms', 'p95 ms']];
  rows.push(['hoidap', ...METRICS.map(([m]) => r[m].toFixed(3)), r.latency_ms.p50.toFixed(1), r.latency_ms.p95.toFixed(1)]);
  if (r.peer) rows.push([r.peer.name, ...METRICS.map(([m]) => r.peer![m].toFixed(3)), r.peer.latency_ms.p50.toFixed(1), r.peer.latency_ms.p95.toFixed(1)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [
    `set: ${r.set}  (${r.n} questions, ${r.variant}, k=${r.k})`,
    '',
    line(rows[0]!),
    ...rows.slice(1).map(line),
    '',
    `bare k-NN query (floor): p50 ${r.latency_ms.knn_floor_p50.toFixed(1)} ms, p95 ${r.latency_ms.knn_floor_p95.toFixed(1)} ms`,
  ];
  if (r.peer) out.push(`MRR@10 vs peer: ${r.peer.mrr_at_10 ? `${(((r.mrr_at_10 - r.peer.mrr_at_10) / r.peer.mrr_at_10) * 100).toFixed(1)}%` : 'n/a'}`);
  if (r.unresolved_gold) out.push(`gold sources not in the store: ${r.unresolved_gold}`);
  if (r.answer) {
    const a = r.answer;
    out.push(
      '',
      `answers (${a.n} questions): escalate precision ${a.escalate_precision.toFixed(3)}, recall ${a.escalate_recall.toFixed(3)}; facts ${a.facts_rate.toFixed(3)}; citation validity ${a.citation_validity.toFixed(3)}`,
      `  status: ${Object.entries(a.status).map(([k, v]) => `${k} ${v}`).join(', ')}; latency p50 ${a.latency_ms.p50.toFixed(1)} ms, p95 ${a.latency_ms.p95.toFixed(1)} ms`,
    );
    for (const m of (r.answer_misses ?? []).slice(0, 15)) {
      const why = [m.expect && (m.status === 'escalated') !== (m.expect === 'escalate') ? `expected ${m.expect}, got ${m.status}` : '', m.missingFacts.length ? `missing ${m.missingFacts.join(', ')}` : '', ...m.invalidCitations].filter(Boolean).join('; ');
      out.push(`  ${m.id}: ${m.text.slice(0, 70)} — ${why}`);
    }
  }
  if (r.misses.length) {
    out.push('', `misses (first ${Math.min(10, r.misses.length)} of ${r.misses.length} shown):`);
    for (const m of r.misses.slice(0, 10)) out.push(`  ${m.id}: ${m.text.slice(0, 90)}`, `      gold ${m.gold.join('; ')} | got ${m.top.join('; ')}`);
  }
  return out.join('\n');
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function bars(r: EvalReport): string {
  const systems: [string, RankingMetrics, string][] = [['hoidap', r, '#1f6feb']];
  if (r.peer) systems.push([r.peer.name, r.peer, '#9a6700']);
  const bw = 22;
  const gap = 30;
  const h = 180;
  const groupW = systems.length * bw + gap;
  const width = METRICS.length * groupW + 40;
  const parts: string[] = [];
  METRICS.forEach(([m, label], gi) => {
    systems.forEach(([, s, color], si) => {
      const v = s[m];
      const x = 30 + gi * groupW + si * bw;
      const bh = v * h;
      parts.push(`<rect x="${x}" y="${10 + h - bh}" width="${bw - 4}" height="${bh}" fill="${color}"><title>${esc(label)}: ${v.toFixed(3)}</title></rect>`);
      parts.push(`<text x="${x + (bw - 4) / 2}" y="${6 + h - bh}" font-size="9" text-anchor="middle">${v.toFixed(2)}</text>`);
    });
    parts.push(`<text x="${30 + gi * groupW + (systems.length * bw) / 2}" y="${h + 26}" font-size="11" text-anchor="middle">${esc(label)}</text>`);
  });
  const legend = systems.map(([n, , c], i) => `<span style="display:inline-block;width:10px;height:10px;background:${c};margin:0 4px 0 ${i ? 12 : 0}px"></span>${esc(n)}`).join('');
  return `<svg role="img" aria-label="metrics" width="${width}" height="${h + 36}" xmlns="http://www.w3.org/2000/svg"><line x1="28" y1="${10 + h}" x2="${width}" y2="${10 + h}" stroke="#888"/>${parts.join('')}</svg><p>${legend}</p>`;
}

export function renderHtml(reports: EvalReport[]): string {
  const sections = reports
    .map(
      (r) => `<section><h2>${esc(r.set)} <small>(${r.n} questions, ${r.variant})</small></h2>${bars(r)}
<pre>${esc(formatReport(r))}</pre></section>`,
    )
    .join('\n');
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>hoidap — đánh giá truy hồi</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1f2328}pre{background:#f6f8fa;padding:1rem;overflow:auto;font-size:12px}small{color:#57606a}</style>
</head><body><h1>hoidap — đánh giá truy hồi (retrieval evaluation)</h1><p>Generated ${esc(new Date().toISOString())}</p>${sections}</body></html>`;
}

export async function writeHtmlReport(path: string, reports: EvalReport[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderHtml(reports));
}
