/**
 * Redis URLs for the cluster commands: `redis://[user:password@]host[:port][/db]` and
 * `rediss://…` (TLS), turned into the connection options BullMQ hands to ioredis. Node only.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';

/** Connection options for BullMQ (ioredis `RedisOptions`). */
export interface RedisConnection {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: Record<string, never>;
  /** BullMQ workers need blocking commands without a retry limit. */
  maxRetriesPerRequest: null;
}

/** Default Redis port (6379). */
export const DEFAULT_REDIS_PORT = 6379;

/**
 * Parses a redis:// or rediss:// URL; the password (and user) may be given in the URL, and
 * percent-escapes in them are decoded. The password is never echoed in messages.
 *
 * @throws {@link LowRankError} `E_ARG` for another scheme, a bad port or database number.
 * @example
 * ```ts
 * redisConnection('rediss://:s3cret@cache.example:6380/2'); // { host: 'cache.example', port: 6380, db: 2, tls: {}, password: 's3cret', … }
 * ```
 */
export function redisConnection(url: string, flag = '--redis'): RedisConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new LowRankError('E_ARG', `${flag} must be a redis:// or rediss:// URL, got '${url.replace(/:[^:@/]*@/, ':***@')}'`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new LowRankError('E_ARG', `${flag} must use redis:// or rediss://, got '${u.protocol}'`);
  const port = u.port === '' ? DEFAULT_REDIS_PORT : Number(u.port);
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new LowRankError('E_ARG', `${flag}: database must be a non-negative integer, got '${dbText}'`);
  const conn: RedisConnection = { host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port, db, maxRetriesPerRequest: null };
  if (u.username) conn.username = decodeURIComponent(u.username);
  if (u.password) conn.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') conn.tls = {};
  return conn;
}

/** The few ioredis commands the cluster uses on BullMQ's own connection (`await queue.client`). */
export interface KeyValueClient {
  set(key: string, value: string | Buffer, ...args: (string | number)[]): Promise<unknown>;
  get(key: string): Promise<string | null>;
  getBuffer(key: string): Promise<Buffer | null>;
}

/** BullMQ's client as a {@link KeyValueClient} (it is an ioredis instance). */
export function keyValueClient(client: unknown): KeyValueClient {
  return client as KeyValueClient;
}
