// Idempotency-Key on native POSTs: a retry returns the first answer and changes nothing.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { principalKey } from '../../kernel/deps.ts';
import { requestHash, withCommitScope } from '../../contexts/platform/index.ts';
import type { CommitScope } from '../../contexts/platform/index.ts';
import type { Services } from '../../compose.ts';
import { sendProblem } from '../problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { tenantId: number; principal: string; key: string; attempt: string; scope: CommitScope | undefined } | null;
  }
}

/** A preHandler to put after the guard on every POST that moves coupons, money or points. */
export function makeIdempotent(services: Services) {
  return async function idempotent(req: FastifyRequest, reply: FastifyReply) {
    const key = req.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || key.length < 1 || key.length > 200) {
      return sendProblem(reply, 'invalid_input', 400, 'Idempotency-Key must be 1-200 characters');
    }
    const tenantId = req.tenantId ?? 0;
    const principal = req.principal ? principalKey(req.principal) : `ip:${req.ip}`;
    const begun = await services.idempotency.begin(tenantId, principal, key, requestHash(req.method, req.url, req.body));
    switch (begun.state) {
      case 'new':
        req.idempotency = { tenantId, principal, key, attempt: begun.attempt, scope: services.idempotency.currentScope() };
        services.idempotency.arm(req.idempotency.scope, tenantId, principal, key, begun.attempt);
        return;
      case 'replay':
        reply.header('idempotent-replayed', 'true');
        if (begun.statusCode >= 400) reply.type('application/problem+json');
        return reply.code(begun.statusCode).send(begun.body);
      case 'in_flight':
        return sendProblem(reply, 'conflict', 409, 'a request with this Idempotency-Key is still being processed; retry shortly');
      case 'committed_unanswered':
        return sendProblem(
          reply,
          'conflict',
          409,
          'a request with this Idempotency-Key was carried out, but its answer was lost; read the current state instead of retrying',
        );
      case 'mismatch':
        return sendProblem(reply, 'invalid_input', 422, 'this Idempotency-Key was used with a different request');
    }
  };
}

export function registerIdempotencyHooks(app: FastifyInstance, services: Services) {
  app.decorateRequest('idempotency', null);
  // Requests with a key run in a commit scope, so the key is marked inside the work's own transactions.
  app.addHook('onRequest', (req, _reply, done) => {
    if (req.headers['idempotency-key'] === undefined) return done();
    withCommitScope(done);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const idem = req.idempotency;
    if (!idem) return payload;
    req.idempotency = null;
    // Work the request left running in the background is not part of its answer.
    if (idem.scope) idem.scope.beforeCommit = null;
    if (reply.statusCode >= 500) {
      await services.idempotency.abort(idem.tenantId, idem.principal, idem.key, idem.attempt);
    } else {
      let body: unknown = null;
      if (typeof payload === 'string' && payload.length) {
        try {
          body = JSON.parse(payload);
        } catch {
          body = payload;
        }
      }
      await services.idempotency.complete(idem.tenantId, idem.principal, idem.key, idem.attempt, reply.statusCode, body);
    }
    return payload;
  });
}
