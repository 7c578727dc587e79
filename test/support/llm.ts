// A mocked OpenAI-compatible chat model for msw handlers: the streamed response shape LangChain reads.
import { HttpResponse } from 'msw';

/** An OpenAI-compatible streamed chat completion of `content`, cut into deltas of `size` characters. */
export function sseChat(content: string, size = 12): Response {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const parts = content.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
  const events = [chunk({ role: 'assistant', content: '' }), ...parts.map((p) => chunk({ content: p })), chunk({}, 'stop'), 'data: [DONE]\n\n'];
  const enc = new TextEncoder();
  const body = new ReadableStream({
    start(c) {
      for (const e of events) c.enqueue(enc.encode(e));
      c.close();
    },
  });
  return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
}
