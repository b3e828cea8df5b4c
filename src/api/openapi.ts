import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';

export interface RouteDoc {
  summary: string;
  tags: string[];
  /** Who may call it: a staff session, a citizen session, or anyone. */
  auth: 'staff' | 'citizen' | 'public';
  /** The permission the route checks (see src/modules/access/roles.ts). */
  permission?: string;
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}

const json = (s: z.ZodType) => z.toJSONSchema(s, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

/**
 * The route's zod schemas as the JSON Schema the OpenAPI document is generated from. The handlers validate with the
 * same zod schemas (one source of truth, domain error codes); Fastify's own validation is switched off in
 * `openApi`, so the JSON Schema here only documents.
 */
export function doc(d: RouteDoc): FastifySchema {
  return {
    summary: d.summary,
    tags: d.tags,
    ...(d.permission ? { description: `Requires permission \`${d.permission}\`.` } : {}),
    ...(d.body ? { body: json(d.body) } : {}),
    ...(d.query ? { querystring: json(d.query) } : {}),
    ...(d.params ? { params: json(d.params) } : {}),
    ...(d.auth === 'staff' ? { security: [{ session: [] }, { bearer: [] }] } : d.auth === 'citizen' ? { security: [{ citizen: [] }] } : { security: [] }),
  } as FastifySchema;
}

/** Registers the OpenAPI generator (before any route) and serves the document at /openapi.json. */
export async function openApi(app: FastifyInstance): Promise<void> {
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Mobilize API', version: '0.1.0', description: 'Registry, call-up, summonses and crisis coordination. Errors: {"error": {"code", "message", "details"}} with stable codes.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'mobilize_session' },
          bearer: { type: 'http', scheme: 'bearer', description: 'staff session token from POST /api/session' },
          citizen: { type: 'http', scheme: 'bearer', description: 'citizen session token from POST /api/citizen/session' },
        },
      },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
