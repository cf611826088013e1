import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitConfig } from '../config';
import type { Logger } from '../shared/logger';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimits {
  /** One request from this IP address (before the body is read). */
  consumeIp(ip: string): Promise<RateDecision>;
  /** One request by this signed-in user (after the token is verified). */
  consumeUser(userId: string): Promise<RateDecision>;
  /** 'memory', or 'redis' when counters are shared. */
  store: 'memory' | 'redis';
  /** Resolves once Redis is connected, or after 2 s (counting in memory until it is). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Fixed-window counters per IP and per user (rate-limiter-flexible). With REDIS_URL every replica
 * shares them; when Redis cannot be reached, each process falls back to its own in-memory
 * counters (the insurance limiter) rather than refusing or waving everything through.
 */
export function createRateLimits(config: RateLimitConfig, logger: Logger): RateLimits {
  let redis: Redis | undefined;
  const limiter = (keyPrefix: string, points: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: config.windowSeconds });
    if (!redis) return memory;
    return new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `alliance-graph:rl:${keyPrefix}`,
      points,
      duration: config.windowSeconds,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  };
  if (config.redisUrl) {
    let lastWarning = 0;
    redis = new Redis(config.redisUrl, {
      // Never queue commands while disconnected: the insurance limiter answers at once instead.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      lazyConnect: false,
    });
    redis.on('error', (error: Error) => {
      if (Date.now() - lastWarning < 10_000) return;
      lastWarning = Date.now();
      logger.warn({ err: { type: error.name, code: (error as { code?: string }).code } }, 'rate limits: Redis unavailable, counting in memory');
    });
  }
  const ip = limiter('ip', config.ipPoints);
  const user = limiter('user', config.userPoints);
  const consume = async (store: RateLimiterAbstract, key: string): Promise<RateDecision> => {
    try {
      await store.consume(key);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      }
      // Neither Redis nor the insurance limiter answered: let the request through, and say so.
      logger.warn({ err: { type: (rejection as Error)?.name } }, 'rate limits: counter unavailable, request allowed');
      return { allowed: true };
    }
  };
  return {
    store: redis ? 'redis' : 'memory',
    consumeIp: (address) => consume(ip, address),
    consumeUser: (userId) => consume(user, userId),
    async ready() {
      const client = redis;
      if (!client || client.status === 'ready') return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 2_000);
        function done(): void {
          clearTimeout(timer);
          client?.off('ready', done);
          resolve();
        }
        client.once('ready', done);
      });
    },
    async close() {
      if (!redis) return;
      if (redis.status === 'ready') await redis.quit().catch(() => redis?.disconnect());
      else redis.disconnect(); // stops reconnecting
    },
  };
}
