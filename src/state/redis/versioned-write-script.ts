import { LuaScript } from './lua-script.js';

/**
 * The one write path of the L2 tier. Compares the stored version with the expected one, sets
 * value + version + timestamp together, and publishes the change, all in one atomic step, so that
 * a reader never sees a value without its version and every instance hears of every write.
 */
export const VERSIONED_WRITE_SCRIPT = new LuaScript(`
-- KEYS[1]  hash of the value: fields v (value), ver (version), at (ms timestamp)
-- ARGV[1]  new value (a string, usually JSON)
-- ARGV[2]  expected current version; '' writes unconditionally, '0' means "must not exist yet"
-- ARGV[3]  writer's clock, ms since the epoch
-- ARGV[4]  pub/sub channel to announce the change on
-- ARGV[5]  name announced (kind:key)
-- ARGV[6]  id of the writing instance, announced so that it can ignore its own change
-- ARGV[7]  expiry of the value in ms; '0' keeps it
-- returns  { 1, newVersion } when written, { 0, currentVersion } on a version mismatch
local current = tonumber(redis.call('HGET', KEYS[1], 'ver') or '0')
if ARGV[2] ~= '' and tonumber(ARGV[2]) ~= current then
  return { 0, current }
end
local version = current + 1
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'ver', version, 'at', ARGV[3])
local ttl = tonumber(ARGV[7])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
else
  redis.call('PERSIST', KEYS[1])
end
redis.call('PUBLISH', ARGV[4], cjson.encode({ n = ARGV[5], ver = version, o = ARGV[6] }))
return { 1, version }
`);

/** A delete through the same versioned path: the version survives as a tombstone-free bump. */
export const VERSIONED_DELETE_SCRIPT = new LuaScript(`
-- KEYS[1]  hash of the value
-- ARGV[1]  pub/sub channel to announce the change on
-- ARGV[2]  name announced (kind:key)
-- ARGV[3]  id of the deleting instance
-- returns  the version the value had (0 when absent)
local current = tonumber(redis.call('HGET', KEYS[1], 'ver') or '0')
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[1], cjson.encode({ n = ARGV[2], ver = current + 1, o = ARGV[3] }))
return current
`);
