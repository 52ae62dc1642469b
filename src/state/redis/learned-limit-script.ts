import { LuaScript } from './lua-script.js';

/** Check-and-lower of the learned counts (see `learned-limit-store.ts`). */
export const LEARNED_TAKE_SCRIPT = new LuaScript(`
-- KEYS[1]  hash of the learned request count: remaining, resetAt (ms); expires at its reset
-- KEYS[2]  hash of the learned token count: remaining, resetAt (ms); expires at its reset
-- ARGV[1]  now, integer ms since the epoch (the caller's clock)
-- ARGV[2]  tokens of this call (0 when unknown)
-- returns  { taken (1 | 0), waitMs, reqRemaining, reqResetAt, tokRemaining, tokResetAt } (-1 = none)
local now = tonumber(ARGV[1])
local tokens = tonumber(ARGV[2])
local function read(key)
  local v = redis.call('HMGET', key, 'remaining', 'resetAt')
  local remaining, resetAt = tonumber(v[1]), tonumber(v[2])
  if remaining == nil or resetAt == nil or resetAt <= now then return nil, nil end
  return remaining, resetAt
end
local rr, ra = read(KEYS[1])
local tr, ta = read(KEYS[2])
local wait = 0
if rr ~= nil and rr < 1 then wait = math.max(wait, ra - now) end
if tr ~= nil and tokens > 0 and tr < tokens then wait = math.max(wait, ta - now) end
if wait > 0 then return { 0, wait, rr or -1, ra or -1, tr or -1, ta or -1 } end
if rr ~= nil then rr = redis.call('HINCRBY', KEYS[1], 'remaining', -1) end
if tr ~= nil and tokens > 0 then tr = redis.call('HINCRBY', KEYS[2], 'remaining', -tokens) end
return { 1, 0, rr or -1, ra or -1, tr or -1, ta or -1 }
`);

/** Gives a take back to the counts that have not reset since. */
export const LEARNED_REFUND_SCRIPT = new LuaScript(`
-- KEYS[1]  hash of the learned request count
-- KEYS[2]  hash of the learned token count
-- ARGV[1]  tokens to give back
-- returns  1
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HINCRBY', KEYS[1], 'remaining', 1) end
if tonumber(ARGV[1]) > 0 and redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HINCRBY', KEYS[2], 'remaining', tonumber(ARGV[1]))
end
return 1
`);
