import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../compose.ts';
import type { Guard } from './guard.ts';
import type { makeIdempotent } from './idempotency.ts';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    guard: Guard;
    idempotent: ReturnType<typeof makeIdempotent>;
  }
}

export type NativeApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
