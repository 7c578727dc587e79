// Routers whose zod schemas validate requests and also describe them in /openapi.json.
// Validation failures become the one error shape: 400 {error: {code, message, details}}.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { AppError } from './errors.ts';
import { t } from '../messages.ts';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_request' }),
      message: z.string().openapi({ example: 'Dữ liệu gửi lên không hợp lệ. question: Invalid input: expected string, received number' }),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

export function errorResponses(...statuses: (400 | 404 | 413 | 429 | 503)[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: { 400: 'Invalid input', 404: 'Not found', 413: 'Body too large', 429: 'Too many requests', 503: 'Not ready' }[s], content: { 'application/json': { schema: ErrorSchema } } }]),
  );
}

export function createRouter() {
  return new OpenAPIHono({
    defaultHook: (result) => {
      if (result.success) return;
      const issues = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
      throw new AppError(400, `invalid_${result.target === 'json' ? 'request' : result.target}`, `${t('badInput')} ${issues.join('; ')}`, result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    },
  });
}
