import { LuaScript } from './lua-script.js';

/**
 * Holds a call's estimate against every budget it is subject to, only when it fits under all of
 * them: one atomic check-and-hold. Spend is read from the shared spend counters (the hashes
 * `RedisSpendStore` writes, in integer micro-dollars); holds of calls in flight are fields of one
 * hash per counter (`micros|expiresAt`), expired ones dropped on the way.
 */
export const SPEND_HOLD_SCRIPT = new LuaScript(`
-- KEYS[2i-1]  counter hash of limit i (job: provider -> micros; provider: YYYY-MM-DD -> micros)
-- KEYS[2i]    hash of the holds on that counter: holdId -> "micros|expiresAt"
-- ARGV[1] hold id   ARGV[2] estimate (micros)   ARGV[3] now (ms)   ARGV[4] hold ttl (ms)
-- ARGV[3+2i]  field prefix counted for limit i ('' = every field)
-- ARGV[4+2i]  limit i (micros)
-- returns { 1 } when held on every counter, { 0, i - 1, spentMicros } for the first limit refused
local micros = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
local n = #KEYS / 2
for i = 1, n do
  local prefix = ARGV[3 + 2 * i]
  local spent = 0
  local counted = redis.call('HGETALL', KEYS[2 * i - 1])
  for j = 1, #counted, 2 do
    if prefix == '' or string.sub(counted[j], 1, #prefix) == prefix then
      spent = spent + tonumber(counted[j + 1])
    end
  end
  local held = redis.call('HGETALL', KEYS[2 * i])
  for j = 1, #held, 2 do
    local amount, expires = string.match(held[j + 1], '^(%-?%d+)|(%d+)$')
    if amount == nil or tonumber(expires) <= now then
      redis.call('HDEL', KEYS[2 * i], held[j])
    else
      spent = spent + tonumber(amount)
    end
  end
  if spent + micros > tonumber(ARGV[4 + 2 * i]) then return { 0, i - 1, spent } end
end
local value = string.format('%d|%d', micros, now + ttl)
for i = 1, n do
  redis.call('HSET', KEYS[2 * i], ARGV[1], value)
  if redis.call('PTTL', KEYS[2 * i]) < ttl then redis.call('PEXPIRE', KEYS[2 * i], ttl) end
end
return { 1 }
`);
