// Reading bodies from servers we do not control (portals, voice-note CDNs): never more than a cap,
// and letting go of what we will not read.

/** Lets go of a body we will not read. Not awaited: some runtimes settle a cancel only when the source does. */
export function discard(res: Response): void {
  res.body?.cancel().catch(() => {});
}

/** Reads at most `cap` bytes; past that, stops reading (the rest is cancelled) and says it overflowed. */
export async function readCapped(res: Response, cap: number): Promise<{ bytes: Uint8Array; overflowed: boolean }> {
  if (!res.body) return { bytes: new Uint8Array(0), overflowed: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let overflowed = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > cap) {
      chunks.push(value.subarray(0, cap - total));
      total = cap;
      overflowed = true;
      reader.cancel().catch(() => {});
      break;
    }
    chunks.push(value);
    total += value.byteLength;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return { bytes: out, overflowed };
}
