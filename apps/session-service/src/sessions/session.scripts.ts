import { LuaScript } from '@classconnect/persistence';

/*
 * Every script replies with a flat Lua table whose first element is an outcome word, e.g.
 * {'OK'} or {'SESSION_ALREADY_OPEN', <sessionId>}. Under RESP3 (ioredis's default) a Lua table
 * still arrives as a plain JavaScript array, so the repository reads positions, not maps.
 */

/**
 * Opens a session unless the course already has one.
 * KEYS: course open key, session hash, enrolled set, names hash.
 * ARGV: sessionId, number of hash arguments n, n hash arguments (field, value, ...),
 *       then the roster as (studentId, name) pairs.
 */
export const createSessionScript = new LuaScript(`
local open = redis.call('GET', KEYS[1])
if open then return {'SESSION_ALREADY_OPEN', open} end
if redis.call('EXISTS', KEYS[2]) == 1 then return {'SESSION_EXISTS'} end
redis.call('SET', KEYS[1], ARGV[1])
local n = tonumber(ARGV[2])
redis.call('HSET', KEYS[2], unpack(ARGV, 3, 2 + n))
local i = 3 + n
while i <= #ARGV do
  -- in chunks: unpack() of a very large roster would overflow Lua's stack
  local last = math.min(i + 999, #ARGV)
  local ids = {}
  for j = i, last, 2 do ids[#ids + 1] = ARGV[j] end
  redis.call('SADD', KEYS[3], unpack(ids))
  redis.call('HSET', KEYS[4], unpack(ARGV, i, last))
  i = last + 1
end
return {'OK'}
`);

/**
 * Closes an open session: status, closedAt, closedBy, drops the fence's centre, frees the course, sets the keys to expire.
 * KEYS: session hash, present hash, enrolled set, names hash, course open key.
 * ARGV: sessionId, closedAt, closedBy, seconds to keep the closed session.
 * Replies {'CLOSED' | 'ALREADY_CLOSED', closedAt, closedBy, {presentIds}} or {'SESSION_NOT_FOUND'}.
 */
export const closeSessionScript = new LuaScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'SESSION_NOT_FOUND'} end
if status == 'open' then
  redis.call('HSET', KEYS[1], 'status', 'closed', 'closedAt', ARGV[2], 'closedBy', ARGV[3])
  -- The fence's centre is the teacher's position: no longer needed once check-in is over.
  redis.call('HDEL', KEYS[1], 'latitude', 'longitude')
  if redis.call('GET', KEYS[5]) == ARGV[1] then redis.call('DEL', KEYS[5]) end
  for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ARGV[4]) end
  return {'CLOSED', ARGV[2], ARGV[3], redis.call('HKEYS', KEYS[2])}
end
local closed = redis.call('HMGET', KEYS[1], 'closedAt', 'closedBy')
return {'ALREADY_CLOSED', closed[1], closed[2], redis.call('HKEYS', KEYS[2])}
`);

/**
 * Marks a student present, at most once per session.
 * KEYS: session hash, enrolled set, present hash.
 * ARGV: studentId, submissionId, the mark as JSON.
 * A retry of the submission that marked the student is answered RETRY even after the session
 * closed, so the caller can still publish the mark event it may have missed.
 */
export const recordMarkScript = new LuaScript(`
local s = redis.call('HMGET', KEYS[1], 'status', 'courseId')
if not s[1] then return {'SESSION_NOT_FOUND'} end
local existing = redis.call('HGET', KEYS[3], ARGV[1])
if existing and cjson.decode(existing).submissionId == ARGV[2] then return {'RETRY', s[2], existing} end
if s[1] ~= 'open' then return {'SESSION_NOT_OPEN'} end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return {'NOT_ENROLLED'} end
if existing then return {'ALREADY_PRESENT'} end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
return {'RECORDED', s[2], ARGV[3]}
`);
