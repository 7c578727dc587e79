// X-ZEvent-Signature: "mac=" + hex SHA-256 of app id + raw body + the body's timestamp + the OA
// secret key — a plain hash, not an HMAC (as Zalo documents it and production integrations such as
// Chatwoot check it). Computed on the raw bytes, before any parsing, and compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

export function zaloMac(appId: string, rawBody: string, timestamp: string, oaSecretKey: string): string {
  return createHash('sha256').update(`${appId}${rawBody}${timestamp}${oaSecretKey}`, 'utf8').digest('hex');
}

export function verifyZaloSignature(header: string | undefined, appId: string, rawBody: string, timestamp: string, oaSecretKey: string): boolean {
  if (!header) return false;
  const got = header.trim().replace(/^mac=/i, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(got)) return false;
  const want = zaloMac(appId, rawBody, timestamp, oaSecretKey);
  return timingSafeEqual(Buffer.from(got, 'hex'), Buffer.from(want, 'hex'));
}

