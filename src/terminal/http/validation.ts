import type { Hook } from '@hono/zod-openapi';

/** Every invalid request gets a 400 whose body lists the zod issues, field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const validationHook: Hook<any, any, any, any> = (result, c) => {
  if (!result.success) {
    return c.json(
      {
        error: 'invalid-request',
        message: 'the request does not match the API schema',
        issues: result.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message })),
      },
      400,
    );
  }
  return undefined;
};
