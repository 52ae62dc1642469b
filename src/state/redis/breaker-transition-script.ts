import { LuaScript } from './lua-script.js';

/**
 * The circuit breaker's transition function (`stepBreaker` in the resilience layer) mirrored in
 * Lua, so that a transition runs on Redis as one compare-and-set over the breaker's serialisable
 * state: read, step, write only when changed, bump the version, announce, all atomically. Two
 * instances therefore never disagree about a breaker. A property test keeps both in step.
 */
export const BREAKER_TRANSITION_SCRIPT = new LuaScript(`
-- KEYS[1]  hash of one breaker: s (BreakerState JSON), ver (version), at (ms of the last change)
-- ARGV[1]  input JSON (BreakerInput: acquire | release{outcome,probeOf?} | open | close | isolate)
-- ARGV[2]  now, integer ms since the epoch (the caller's clock)
-- ARGV[3]  failureThreshold      ARGV[4] recoveryTimeoutMs   ARGV[5] halfOpenMaxCalls
-- ARGV[6]  monitoringWindowMs    ARGV[7] successThreshold
-- ARGV[8]  pub/sub channel announcing changes   ARGV[9] provider name   ARGV[10] writer instance id
-- returns  { stateJson, admitted ('1' | '0' | ''), probeOf or '', retryInMs or '', '=' .. reason or '', version }
--          (the reason carries a '=' prefix so that an empty reason stays distinct from none)
local function n(x) return string.format('%.0f', x) end
local function encode(st)
  if st.state == 'closed' then
    local parts = {}
    for i, at in ipairs(st.failures) do parts[i] = n(at) end
    return '{"state":"closed","failures":[' .. table.concat(parts, ',') .. ']}'
  elseif st.state == 'open' then
    return '{"state":"open","openedAt":' .. n(st.openedAt) .. ',"reason":' .. cjson.encode(st.reason) ..
      ',"manual":' .. (st.manual and 'true' or 'false') .. '}'
  elseif st.state == 'half_open' then
    return '{"state":"half_open","since":' .. n(st.since) .. ',"inFlight":' .. n(st.inFlight) ..
      ',"successes":' .. n(st.successes) .. '}'
  end
  return '{"state":"isolated","since":' .. n(st.since) .. ',"reason":' .. cjson.encode(st.reason) .. '}'
end

local raw = redis.call('HGET', KEYS[1], 's')
local st
if raw then st = cjson.decode(raw) else st = { state = 'closed', failures = {} } end
local input = cjson.decode(ARGV[1])
local now = tonumber(ARGV[2])
local failureThreshold = tonumber(ARGV[3])
local recoveryTimeoutMs = tonumber(ARGV[4])
local halfOpenMaxCalls = tonumber(ARGV[5])
local monitoringWindowMs = tonumber(ARGV[6])
local successThreshold = tonumber(ARGV[7])

local nextSt, admitted, probeOf, retryIn, reason = st, '', '', '', ''
local function opened(why, manual) return { state = 'open', openedAt = now, reason = why, manual = manual } end

if input.type == 'acquire' then
  if st.state == 'closed' then
    admitted = '1'
  elseif st.state == 'open' then
    admitted = '0'
    if not st.manual then
      local waitMs = st.openedAt + recoveryTimeoutMs - now
      if waitMs > 0 then
        retryIn = n(waitMs)
      else
        nextSt = { state = 'half_open', since = now, inFlight = 1, successes = 0 }
        admitted, probeOf, reason = '1', n(now), 'recovery timeout elapsed; probing'
      end
    end
  elseif st.state == 'half_open' then
    admitted = '0'
    if st.inFlight < halfOpenMaxCalls then
      nextSt = { state = 'half_open', since = st.since, inFlight = st.inFlight + 1, successes = st.successes }
      admitted, probeOf = '1', n(st.since)
    end
  else
    admitted = '0'
  end
elseif input.type == 'release' then
  if st.state == 'closed' then
    if input.outcome == 'failure' then
      local kept = {}
      for _, at in ipairs(st.failures) do
        if now - at < monitoringWindowMs then kept[#kept + 1] = at end
      end
      kept[#kept + 1] = now
      local first = math.max(1, #kept - failureThreshold + 1)
      local failures = {}
      for i = first, #kept do failures[#failures + 1] = kept[i] end
      if #failures < failureThreshold then
        nextSt = { state = 'closed', failures = failures }
      else
        reason = n(#failures) .. ' failures within ' .. n(monitoringWindowMs) .. ' ms'
        nextSt = opened(reason, false)
      end
    end
  elseif st.state == 'half_open' and input.probeOf ~= nil and input.probeOf == st.since then
    if input.outcome == 'failure' then
      reason = 'probe failed'
      nextSt = opened(reason, false)
    else
      local inFlight = math.max(0, st.inFlight - 1)
      local successes = st.successes
      if input.outcome == 'success' then successes = successes + 1 end
      if successes >= successThreshold then
        reason = n(successes) .. ' probes succeeded'
        nextSt = { state = 'closed', failures = {} }
      else
        nextSt = { state = 'half_open', since = st.since, inFlight = inFlight, successes = successes }
      end
    end
  end
elseif input.type == 'open' then
  reason = input.reason
  nextSt = opened(reason, true)
elseif input.type == 'close' then
  reason = input.reason
  nextSt = { state = 'closed', failures = {} }
elseif input.type == 'isolate' then
  reason = input.reason
  nextSt = { state = 'isolated', since = now, reason = input.reason }
else
  return redis.error_reply('unknown breaker input ' .. tostring(input.type))
end

local encoded = encode(nextSt)
local version = tonumber(redis.call('HGET', KEYS[1], 'ver') or '0')
if raw == nil or raw == false or encoded ~= raw then
  version = version + 1
  redis.call('HSET', KEYS[1], 's', encoded, 'ver', version, 'at', ARGV[2])
  redis.call('PUBLISH', ARGV[8], cjson.encode({ p = ARGV[9], ver = version, s = encoded, o = ARGV[10] }))
end
local reasonOut = ''
if reason ~= '' or input.type == 'open' or input.type == 'close' or input.type == 'isolate' then reasonOut = '=' .. reason end
return { encoded, admitted, probeOf, retryIn, reasonOut, version }
`);
