// The shapes the answer pipeline passes between its steps, and what /v1/ask returns.
import type { SearchHit } from '../retrieval/search.ts';
import type { Lang } from '../messages.ts';
import type { TermWeights } from '../retrieval/features.ts';

export type Channel = 'web' | 'zalo' | 'voice' | 'api' | 'cli';
export type AnswerStatus = 'answered' | 'escalated' | 'refused';

/** Why the pipeline ended where it did (recorded with every answer, for operators and the eval). */
export type StopReason =
  | 'answered'
  | 'greeting'
  | 'thanks'
  | 'ticket_status'
  | 'ticket_not_found'
  | 'empty'
  | 'too_long'
  | 'injection'
  | 'off_topic'
  | 'officer_requested'
  | 'status_inquiry'
  | 'no_content'
  | 'low_confidence'
  | 'unverified'
  | 'confirm_transcript'
  | 'confirm_declined';

export type Route = 'question' | 'greeting' | 'thanks' | 'off_topic' | 'officer' | 'status';

export interface AskInput {
  question: string;
  conversationId?: string | undefined;
  lang?: Lang | undefined;
  channel?: Channel | undefined;
  alternatives?: { text: string; confidence: number }[] | undefined;
  /** The citizen's identity on the channel (Zalo user id…); never shown to other citizens. */
  citizenRef?: string | undefined;
  /** The question is a speech transcript (implied by channel "voice"; a Zalo voice note sets it). */
  spoken?: boolean | undefined;
}

/** What was understood of a spoken question. */
export interface TranscriptInfo {
  /** As recognised. */
  raw: string;
  /** Normalised: what was searched. */
  text: string;
  /** Punctuated, capitalised, diacritics restored: what the citizen is shown. */
  display: string;
  /** The recogniser's confidence in the chosen hypothesis. */
  confidence: number;
  /** The assistant asked "Có phải bạn hỏi: …?" instead of answering. */
  confirm: boolean;
}

export interface Citation {
  n: number;
  sourceId: string;
  kind: string;
  title: string;
  ref: string;
  url?: string;
  quote: string;
}

export interface TicketRef {
  code: string;
  agency: string;
  agencyName: string;
  dueAt: string;
}

export interface AskResponse {
  conversationId: string;
  answerId: string;
  status: AnswerStatus;
  answer: string;
  citations: Citation[];
  ticket?: TicketRef;
  lang: Lang;
  rewrittenQuestion?: string;
  reason: StopReason;
  transcript?: TranscriptInfo;
}

/** A composed answer before verification: text with [n] markers, and what each n points at. */
export interface Draft {
  text: string;
  sources: {
    n: number;
    hit: SearchHit;
    quote: string;
    ref: string;
    /** More official text of the same unit that is not in its stored text (a procedure's per-channel notes). */
    support?: string;
  }[];
  composer: 'extractive' | 'llm';
  promptVersion?: string;
}

export interface Turn {
  role: 'citizen' | 'assistant' | 'officer';
  text: string;
  rewritten: string | null;
  /** Units cited by the assistant's answer to this turn, best first. */
  unitIds: number[];
  /** Why the pipeline stopped on this exchange. */
  reason?: string | null;
}

/** The one context every step reads and writes. */
export interface AnswerContext {
  input: AskInput;
  channel: Channel;
  conversationId: string;
  history: Turn[];
  question: string;
  lang: Lang;
  rewritten: string | null;
  route: Route;
  ticketCode: string | null;
  hits: SearchHit[];
  confidence: number | null;
  draft: Draft | null;
  /** Set by the step that ends the pipeline. */
  stop: { status: AnswerStatus; reason: StopReason; text?: string } | null;
  answer: string;
  citations: Citation[];
  ticket: TicketRef | null;
  agency: string | null;
  timings: Record<string, number>;
  composer: 'extractive' | 'llm' | 'canned';
  promptVersion: string | null;
  notes: string[];
  /** Scratch shared by decide and compose. */
  weights: TermWeights | null;
  seeAlso: SearchHit | null;
  extractive: Draft | null;
  transcript?: TranscriptInfo;
  /** The attacker's words found on the way (taken out of the question, poisoned units set aside). */
  injection?: { removed: string[]; tainted: SearchHit[] };
  /** The citizen confirmed a transcript: the question is self-contained, not a follow-up. */
  confirmed?: boolean;
}
