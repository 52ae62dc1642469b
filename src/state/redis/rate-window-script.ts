import { LuaScript } from './lua-script.js';

/**
 * The sliding-window check-and-increment of `rate-window-store.ts` (`windowWaitMs`) in Lua, so
 * that any number of instances count one window atomically: prune, block check, wait arithmetic
 * and — only when the request fits — the increment run as one step.
 */
export const RATE_WINDOW_SCRIPT = new LuaScript(`
-- KEYS[1]  sorted set of admitted requests: score = ms admitted, member = '<ms>:<seq>:<tokens>'
-- KEYS[2]  string: ms since the epoch until which the provider asked us to stop (may be absent)
-- KEYS[3]  string: sequence making members unique
-- ARGV[1]  now, integer ms since the epoch (the caller's clock)
-- ARGV[2]  window length, ms
-- ARGV[3]  request limit, or -1 for none
-- ARGV[4]  token limit, or -1 for none
-- ARGV[5]  tokens of this request (0 when unknown)
-- ARGV[6]  hold, ms: an admitted request is scored now + hold until restamped (in flight); an
--          entry scored in the future leaves the window no earlier than one window from now
-- returns  { admitted (1 | 0), waitMs, requests in the window, tokens in the window, member or '' }
local now = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local reqLimit = tonumber(ARGV[3])
local tokLimit = tonumber(ARGV[4])
local tokens = tonumber(ARGV[5])
local hold = tonumber(ARGV[6])
local function expiresIn(at)
  if at > now then return windowMs end
  return at + windowMs - now
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)
local flat = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local count = #flat / 2
local at = {}
local tok = {}
local used = 0
for i = 1, count do
  local member = flat[2 * i - 1]
  at[i] = tonumber(flat[2 * i])
  tok[i] = tonumber(string.match(member, ':(%d+)$')) or 0
  used = used + tok[i]
end
local wait = 0
local blocked = tonumber(redis.call('GET', KEYS[2]) or '0')
if blocked > now then wait = blocked - now end
if reqLimit >= 0 and count + 1 > reqLimit then
  local oldest = at[count - reqLimit + 1]
  if oldest and expiresIn(oldest) > wait then wait = expiresIn(oldest) end
end
if tokLimit >= 0 and tokens > 0 and used > 0 and used + tokens > tokLimit then
  local need = used + tokens - tokLimit
  local freed = 0
  for i = 1, count do
    freed = freed + tok[i]
    if freed >= need then
      if expiresIn(at[i]) > wait then wait = expiresIn(at[i]) end
      break
    end
  end
end
if wait > 0 then return { 0, wait, count, used, '' } end
local seq = redis.call('INCR', KEYS[3])
local member = now .. ':' .. seq .. ':' .. tokens
redis.call('ZADD', KEYS[1], now + hold, member)
redis.call('PEXPIRE', KEYS[1], windowMs + hold + 1000)
redis.call('PEXPIRE', KEYS[3], windowMs + hold + 1000)
return { 1, 0, count + 1, used + tokens, member }
`);
