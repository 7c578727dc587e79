// Sealing citizens' raw words at rest: AES-256-GCM with a key from DATA_ENCRYPTION_KEY, through Web
// Crypto so Node and Workers share it. A sealed value is "v1:" + base64(iv ‖ ciphertext+tag).
// Without a key nothing is sealed: only the masked text is kept (see docs/adr/0011-trust.md).

export interface Sealer {
  /** Whether raw text can be kept at all. */
  readonly enabled: boolean;
  /** The raw text sealed, or null without a key or when the text holds nothing the mask hid. */
  seal(raw: string, masked?: string): Promise<string | null>;
  /** The raw text, or null when there is none, the key is missing or the value was not sealed with it. */
  open(sealed: string | null | undefined): Promise<string | null>;
}

const PREFIX = 'v1:';

function fromBase64(v: string): Uint8Array<ArrayBuffer> {
  const bin = atob(v.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function createSealer(keyBase64: string | undefined): Sealer {
  if (!keyBase64) {
    return { enabled: false, seal: async () => null, open: async () => null };
  }
  const raw = fromBase64(keyBase64);
  if (raw.length !== 32) throw new Error('DATA_ENCRYPTION_KEY must be 32 bytes in base64');
  const key = crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  return {
    enabled: true,
    async seal(text, masked) {
      if (masked !== undefined && masked === text) return null;
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await key, new TextEncoder().encode(text)));
      const out = new Uint8Array(iv.length + ct.length);
      out.set(iv);
      out.set(ct, iv.length);
      return PREFIX + toBase64(out);
    },
    async open(sealed) {
      if (!sealed || !sealed.startsWith(PREFIX)) return null;
      try {
        const bytes = fromBase64(sealed.slice(PREFIX.length));
        const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.subarray(0, 12) }, await key, bytes.subarray(12));
        return new TextDecoder().decode(pt);
      } catch {
        return null;
      }
    },
  };
}
