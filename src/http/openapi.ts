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

const ERROR_DESCRIPTIONS = {
  400: 'Invalid input',
  404: 'Not found',
  413: 'Body too large',
  415: 'Unsupported media type',
  422: 'Cannot be processed',
  429: 'Too many requests',
  502: 'An upstream service failed',
  503: 'Not ready',
  504: 'An upstream service timed out',
} as const;

export function errorResponses(...statuses: (keyof typeof ERROR_DESCRIPTIONS)[]) {
  return Object.fromEntries(statuses.map((s) => [s, { description: ERROR_DESCRIPTIONS[s], content: { 'application/json': { schema: ErrorSchema } } }]));
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
