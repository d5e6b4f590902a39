import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Permission, Principal } from '../access/policy.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking; set for every request before any handler runs. */
    principal: Principal;
    /** Queue numbers of the log entries this request's writes appended. */
    logSeqs: number[];
  }
  interface FastifyContextConfig {
    /** The permission a route requires; every /api route must name one, or declare itself public. */
    permission?: Permission;
    /** Open to anyone, signed in or not (sign-in itself, for instance). */
    public?: boolean;
  }
}

/** The Fastify instance type every routes module receives. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
