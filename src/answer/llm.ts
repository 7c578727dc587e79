// The LLM composer: a LangChain chat model (any OpenAI-compatible endpoint, or Ollama) writes a
// fluent answer from the numbered sources, at temperature 0, as JSON listing the sources it used.
// The answer is streamed (so a slow model hits the timeout early) but nothing reaches the citizen
// before the citation verifier has checked it; any failure falls back to the extractive answer.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { z } from 'zod';
import type { Config } from '../config/index.ts';
import type { Lang } from '../messages.ts';
import type { SearchHit } from '../retrieval/search.ts';
import { termCounts } from '../text/terms.ts';
import { passageScore } from '../retrieval/features.ts';
import type { Draft, Turn } from './types.ts';
import { stripInvisible } from './guard.ts';

// Resolved when called, not when the module loads: a bundle without project files (Workers) never calls it.
const promptsDir = () => fileURLToPath(new URL('../../prompts/', import.meta.url));

export interface Prompt {
  id: string;
  text: string;
}

/** A prompt file: front matter with its versioned id, then the text. */
export function loadPrompt(name: string, dir = promptsDir()): Prompt {
  return promptFrom(name, readFileSync(`${dir}${name}.md`, 'utf8'));
}

export type Prompts = { vi: Prompt; en: Prompt; rewrite: Prompt };

export function promptFrom(name: string, raw: string): Prompt {
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(raw);
  const id = m ? /id:\s*(\S+)/.exec(m[1]!)?.[1] : undefined;
  if (!m || !id) throw new Error(`prompts/${name}.md: missing front matter with an id`);
  return { id, text: m[2]!.trim() };
}

export interface ComposeRequest {
  question: string;
  lang: Lang;
  hits: SearchHit[];
  /** Masks personal data in any text before it goes into a prompt. */
  mask: (s: string) => string;
}

export interface LlmComposer {
  readonly id: string;
  readonly maxSources: number;
  /** The texts of the prompts it sends: what an answer must never repeat. */
  readonly promptTexts?: string[];
  compose(req: ComposeRequest): Promise<Draft>;
  rewrite?(question: string, history: Turn[], lang: Lang): Promise<string | null>;
}

export class LlmError extends Error {
  override name = 'LlmError';
}

const output = z.object({ answer: z.string(), sources: z.array(z.coerce.number().int()).default([]) });

const SOURCE_CHARS = 2500;

/**
 * Text going into a data block: invisible characters out, and anything shaped like one of the
 * prompt's delimiters (or a chat-template token) defused, so data cannot close its block and
 * speak as the system.
 */
export function asData(s: string): string {
  return stripInvisible(s)
    .replace(/<\s*(\/?)\s*(sources?|question|system|user|assistant|instructions?|conversation|last_message|context)\s*>/gi, '‹$1$2›')
    .replace(/<\|[^|>]{0,20}\|>|\[\/?(?:INST|SYS)\]|<<\/?SYS>>/gi, ' ');
}

function renderSources(hits: SearchHit[], mask: (s: string) => string): string {
  return hits
    .map((h, i) => `[${i + 1}] ${asData(h.ref)}${h.url ? `\nLink: ${h.url}` : ''}\n${asData(mask(h.text.slice(0, SOURCE_CHARS)))}`)
    .join('\n\n');
}

/** Parses the model's JSON (tolerating a ```json fence around it, or plain text with [n] citations). */
export function parseOutput(content: string): z.infer<typeof output> {
  const body = content.trim().replace(/^```(?:json)?\s*/i, '').replace(/```\s*$/, '');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    // A model that ignores the JSON instruction but cites its sources still gave an answer the
    // verifier can check; without a single [n] there is nothing to verify.
    const cited = [...body.matchAll(/\[(\d{1,2})\]/g)].map((m) => Number(m[1]));
    if (cited.length) return { answer: body, sources: [...new Set(cited)] };
    throw new LlmError('the model returned neither JSON nor a cited answer');
  }
  const r = output.safeParse(json);
  if (!r.success) throw new LlmError('the model returned JSON of the wrong shape');
  return r.data;
}

/** The sentence of a source that best matches what the answer says with it. */
function quoteFor(hit: SearchHit, answerSentences: string): string {
  const terms = new Map([...termCounts(answerSentences).counts.keys()].map((t) => [t, 1]));
  const quoted = [...answerSentences.matchAll(/“([^”]{8,})”/g)].map((m) => m[1]!.trim()).find((q) => hit.text.includes(q));
  if (quoted) return quoted;
  const sentences = hit.text.split(/\n+|(?<=[.;:])\s+/).filter((s) => s.trim().length > 3);
  let best = sentences[0] ?? hit.text.slice(0, 300);
  let score = -1;
  for (const s of sentences) {
    const v = passageScore(s, terms);
    if (v > score) [best, score] = [s, v];
  }
  return best.trim().slice(0, 700);
}

function contentText(content: BaseMessage['content']): string {
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' && 'text' in part ? String(part.text) : '')).join('');
}

async function collect(model: BaseChatModel, messages: BaseMessage[], timeoutMs: number): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new LlmError(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    let text = '';
    const stream = await model.stream(messages, { signal: controller.signal });
    for await (const chunk of stream) text += contentText(chunk.content);
    // Some OpenAI-compatible servers ignore `stream: true` and answer with one JSON body, which
    // streams as nothing: ask once more without streaming, within the same time limit.
    if (!text.trim()) text = contentText((await model.invoke(messages, { signal: controller.signal })).content);
    return text;
  } catch (e) {
    if (controller.signal.aborted) throw new LlmError(`no complete answer within ${timeoutMs} ms`);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

export interface LlmComposerOptions {
  model: BaseChatModel;
  id: string;
  timeoutMs: number;
  maxSources?: number;
  prompts?: Prompts;
}

export function createLlmComposer(o: LlmComposerOptions): LlmComposer {
  const prompts = o.prompts ?? { vi: loadPrompt('answer.vi.v2'), en: loadPrompt('answer.en.v2'), rewrite: loadPrompt('rewrite.v2') };
  const maxSources = o.maxSources ?? 5;
  return {
    id: o.id,
    maxSources,
    promptTexts: [prompts.vi.text, prompts.en.text, prompts.rewrite.text],
    async compose({ question, lang, hits, mask }) {
      const prompt = prompts[lang];
      const label = lang === 'vi' ? { sources: 'NGUỒN', question: 'CÂU HỎI' } : { sources: 'SOURCES', question: 'QUESTION' };
      const messages = [
        new SystemMessage(prompt.text),
        new HumanMessage(`${label.sources}:\n<sources>\n${renderSources(hits, mask)}\n</sources>\n\n${label.question}:\n<question>\n${asData(mask(question))}\n</question>`),
      ];
      const out = parseOutput(await collect(o.model, messages, o.timeoutMs));
      if (!out.answer.trim()) throw new LlmError('the model found no answer in the sources');
      const cited = new Set([...out.sources, ...[...out.answer.matchAll(/\[(\d{1,2})\]/g)].map((m) => Number(m[1]))]);
      const sources: Draft['sources'] = [];
      for (const n of cited) {
        const hit = hits[n - 1];
        if (!hit) continue; // cited a source that was never given: the verifier drops its markers
        const sentences = out.answer.split(/(?<=[.!?])\s+/).filter((s) => s.includes(`[${n}]`)).join(' ');
        sources.push({ n, hit, quote: quoteFor(hit, sentences || out.answer), ref: hit.ref });
      }
      return { text: out.answer.trim(), sources, composer: 'llm', promptVersion: prompt.id };
    },
    async rewrite(question, history) {
      const convo = history.map((h) => `${h.role === 'citizen' ? 'Citizen' : 'Assistant'}: ${asData(h.text.slice(0, 500))}`).join('\n');
      const text = await collect(o.model, [new SystemMessage(prompts.rewrite.text), new HumanMessage(`<conversation>\n${convo}\n</conversation>\n<last_message>\n${asData(question)}\n</last_message>`)], o.timeoutMs);
      const body = text.trim().replace(/^```(?:json)?\s*/i, '').replace(/```\s*$/, '');
      let q: unknown;
      try {
        q = (JSON.parse(body) as { question?: unknown }).question;
      } catch {
        throw new LlmError('the model did not return JSON');
      }
      return typeof q === 'string' && q.trim().length > 0 && q.length <= 2000 ? q.trim() : null;
    },
  };
}

/** The configured chat model, or null when LLM_PROVIDER is none. */
export async function createConfiguredLlm(config: Config, prompts?: Prompts): Promise<LlmComposer | null> {
  const { provider, baseUrl, model, apiKey, timeoutMs } = config.llm;
  if (provider === 'none' || !model) return null;
  if (provider === 'openai') {
    const { ChatOpenAI } = await import('@langchain/openai');
    const chat = new ChatOpenAI({
      model,
      temperature: 0,
      maxRetries: 0,
      apiKey: apiKey ?? 'not-needed',
      ...(baseUrl ? { configuration: { baseURL: baseUrl } } : {}),
    }).withConfig({ response_format: { type: 'json_object' } }) as unknown as BaseChatModel;
    return createLlmComposer({ model: chat, id: `openai:${model}`, timeoutMs, ...(prompts ? { prompts } : {}) });
  }
  const { ChatOllama } = await import('@langchain/ollama');
  const chat = new ChatOllama({ model, temperature: 0, format: 'json', ...(baseUrl ? { baseUrl } : {}) });
  return createLlmComposer({ model: chat, id: `ollama:${model}`, timeoutMs, ...(prompts ? { prompts } : {}) });
}
