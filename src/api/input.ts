import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../kernel/errors.ts';
import { TEXT_PROBLEM_WORDS, decodeUtf8, findTextProblem } from '../kernel/text.ts';

/**
 * Every text that comes in over HTTP is checked once, here, before any handler sees it: JSON bodies must be valid
 * UTF-8 (not silently repaired with U+FFFD), and no string in a body, query string or path parameter may hold NUL,
 * a lone surrogate or a control character (see kernel/text.ts). What is refused gets a stable code and the path of
 * the offending value; what passes is stored exactly as it was hashed and audited.
 */
export function inputGuard(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    if (body.length === 0) return done(null, undefined);
    const text = decodeUtf8(body);
    if (text === null) return done(new DomainError('INPUT_BAD_ENCODING', 'The request body is not valid UTF-8; send JSON encoded as UTF-8.'), undefined);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return done(new DomainError('INPUT_BAD_JSON', `The request body is not valid JSON: ${(e as Error).message}`), undefined);
    }
    done(null, value);
  });

  app.addHook('preValidation', async (req: FastifyRequest) => {
    for (const [where, value] of [['body', req.body], ['query', req.query], ['params', req.params]] as const) {
      const f = findTextProblem(value);
      if (f) throw new DomainError('INPUT_BAD_TEXT', `${where} ${f.path} ${TEXT_PROBLEM_WORDS[f.problem]}; send plain text.`, { where, path: f.path, problem: f.problem });
    }
  });
}
