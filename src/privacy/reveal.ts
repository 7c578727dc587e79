// What staff see of a citizen's words. Stored text is masked; the raw words are sealed. Only staff of
// the agency that owns the ticket get them opened (Nghị định 13/2023/NĐ-CP: personal data goes no
// further than the agency handling the request) — an admin of another agency sees the masked text.
import type { Actor } from '../escalation/queue.ts';
import type { Sealer } from './seal.ts';

type Sealed<T, K extends string> = T & { [P in K]?: string | null };

export interface RevealInput<E, C> {
  ticket: { agency: string; question: string; question_sealed?: string | null };
  events: Sealed<E & { body: string | null }, 'body_sealed'>[];
  conversation: Sealed<C & { text: string }, 'text_sealed'>[];
}

/** Whether this staff member may read the citizen's raw words on a ticket of `agency`. */
export function ownsTicket(actor: Pick<Actor, 'agency'>, agency: string): boolean {
  return actor.agency === agency;
}

/**
 * The ticket's question, events and conversation as this actor may see them, with the sealed
 * columns removed either way; `revealed` says whether any raw text was shown (for the audit log).
 */
export async function revealForActor<E, C>(sealer: Sealer | undefined, actor: Pick<Actor, 'agency'>, input: RevealInput<E, C>) {
  const may = !!sealer?.enabled && ownsTicket(actor, input.ticket.agency);
  let revealed = false;
  const open = async (masked: string, sealed: string | null | undefined): Promise<string> => {
    if (!may || !sealed) return masked;
    const raw = await sealer!.open(sealed);
    if (raw === null) return masked;
    revealed = true;
    return raw;
  };
  const question = await open(input.ticket.question, input.ticket.question_sealed);
  const events = await Promise.all(
    input.events.map(async ({ body_sealed, ...e }) => ({ ...e, body: e.body === null ? null : await open(e.body, body_sealed) })),
  );
  const conversation = await Promise.all(input.conversation.map(async ({ text_sealed, ...t }) => ({ ...t, text: await open(t.text, text_sealed) })));
  return { question, events, conversation, revealed };
}
