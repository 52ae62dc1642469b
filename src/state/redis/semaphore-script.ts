import { LuaScript } from './lua-script.js';

/** Takes a lease of a shared bulkhead when one is free (see `semaphore-store.ts`). */
export const SEMAPHORE_ACQUIRE_SCRIPT = new LuaScript(`
-- KEYS[1]  sorted set of leases: score = ms the lease expires, member = lease id
-- ARGV[1]  now, integer ms since the epoch (the caller's clock)
-- ARGV[2]  limit: live leases allowed
-- ARGV[3]  lease TTL, ms
-- ARGV[4]  lease id to add (unique: holder and sequence)
-- returns  { taken (1 | 0), live leases after the answer }
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local live = redis.call('ZCARD', KEYS[1])
if live >= tonumber(ARGV[2]) then return { 0, live } end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + 1000)
return { 1, live + 1 }
`);

/** Extends a live lease; an expired or released one is not brought back. */
export const SEMAPHORE_RENEW_SCRIPT = new LuaScript(`
-- KEYS[1]  sorted set of leases: score = ms the lease expires, member = lease id
-- ARGV[1]  now, integer ms since the epoch (the caller's clock)
-- ARGV[2]  lease TTL, ms
-- ARGV[3]  lease id
-- returns  1 when renewed, 0 when the lease was gone or had expired
local now = tonumber(ARGV[1])
local score = redis.call('ZSCORE', KEYS[1], ARGV[3])
if not score or tonumber(score) <= now then
  redis.call('ZREM', KEYS[1], ARGV[3])
  return 0
end
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[3])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[2]) + 1000 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + 1000) end
return 1
`);
