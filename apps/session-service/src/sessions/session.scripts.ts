import { LuaScript } from '@classconnect/persistence';

/*
 * Every script that changes something replies with a flat Lua table whose first element is an
 * outcome word, e.g. {'OK'} or {'SESSION_ALREADY_OPEN', <sessionId>} (checkinFactsScript, which only
 * reads, replies with what it read). Under RESP3 (ioredis's default) a Lua table
 * still arrives as a plain JavaScript array, so the repository reads positions, not maps.
 */

/**
 * What checkin:begin asks of a session, in one call. KEYS: session hash, enrolled set, present hash;
 * ARGV[1] the student. Replies {the session hash as field, value, …; how many are present (the
 * record's count, as a plain read gives it); enrolled (1/0); already present (1/0)}.
 */
export const checkinFactsScript = new LuaScript(`
return { redis.call('HGETALL', KEYS[1]), redis.call('HLEN', KEYS[3]), redis.call('SISMEMBER', KEYS[2], ARGV[1]), redis.call('HEXISTS', KEYS[3], ARGV[1]) }
`);

/**
 * Opens a session unless the course already has one, and schedules its automatic close.
 * KEYS: course open key, session hash, enrolled set, names hash, auto-close schedule (sorted set).
 * ARGV: sessionId, number of hash arguments n, auto-close time in epoch ms,
 *       n hash arguments (field, value, ...), then the roster as (studentId, name) pairs.
 */
export const createSessionScript = new LuaScript(`
local open = redis.call('GET', KEYS[1])
if open then return {'SESSION_ALREADY_OPEN', open} end
if redis.call('EXISTS', KEYS[2]) == 1 then return {'SESSION_EXISTS'} end
redis.call('SET', KEYS[1], ARGV[1])
local n = tonumber(ARGV[2])
redis.call('HSET', KEYS[2], unpack(ARGV, 4, 3 + n))
redis.call('ZADD', KEYS[5], ARGV[3], ARGV[1])
local i = 4 + n
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
 * Closes an open session: status, closedAt, closedBy, closeReason, drops the fence's centre and the QR secret, frees
 * the course, leaves the auto-close schedule, sets the keys to expire. A Stop with a reopen window
 * moves the QR secret and the window's end to the reopen hash, which expires with the window: what a
 * reopening needs, kept no longer than it may happen. The fence's centre is not kept: like a device
 * position it is dropped at the close, and a reopening brings it again (the device's position, or
 * the room's place).
 * KEYS: session hash, present hash, enrolled set, names hash, course open key, overrides hash, auto-close schedule, reopen hash.
 * ARGV: sessionId, closedAt, closedBy, seconds to keep the closed session, closeReason,
 *       reopen window in seconds ('0': none), reopenable until (ISO), the same in epoch ms.
 * Replies {'CLOSED' | 'ALREADY_CLOSED', closedAt, closedBy, {presentIds}, closeReason, reopens} or {'SESSION_NOT_FOUND'}.
 */
export const closeSessionScript = new LuaScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  redis.call('ZREM', KEYS[7], ARGV[1])
  return {'SESSION_NOT_FOUND'}
end
local reopens = redis.call('HGET', KEYS[1], 'reopens') or '0'
if status == 'open' then
  redis.call('HSET', KEYS[1], 'status', 'closed', 'closedAt', ARGV[2], 'closedBy', ARGV[3], 'closeReason', ARGV[5])
  if ARGV[5] == 'stopped' and tonumber(ARGV[6]) > 0 then
    local keep = redis.call('HGET', KEYS[1], 'qrSecret')
    redis.call('DEL', KEYS[8])
    redis.call('HSET', KEYS[8], 'untilMs', ARGV[8])
    if keep then redis.call('HSET', KEYS[8], 'qrSecret', keep) end
    redis.call('EXPIRE', KEYS[8], ARGV[6])
    redis.call('HSET', KEYS[1], 'reopenableUntil', ARGV[7])
  end
  -- The fence's centre is the teacher's position, and the QR secret makes codes: neither is needed once check-in is over.
  redis.call('HDEL', KEYS[1], 'latitude', 'longitude', 'qrSecret')
  if redis.call('GET', KEYS[5]) == ARGV[1] then redis.call('DEL', KEYS[5]) end
  redis.call('ZREM', KEYS[7], ARGV[1])
  for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ARGV[4]) end
  redis.call('EXPIRE', KEYS[6], ARGV[4])
  return {'CLOSED', ARGV[2], ARGV[3], redis.call('HKEYS', KEYS[2]), ARGV[5], reopens}
end
redis.call('ZREM', KEYS[7], ARGV[1])
local closed = redis.call('HMGET', KEYS[1], 'closedAt', 'closedBy', 'closeReason')
return {'ALREADY_CLOSED', closed[1], closed[2], redis.call('HKEYS', KEYS[2]), closed[3] or 'stopped', reopens}
`);

/**
 * Reopens a session closed by Stop, within its reopen window: status open again, the fence's centre
 * given anew (ARGV 6 and 7), the QR secret back from the reopen hash, the course's open key and the auto-close schedule
 * restored, the keys kept again (no expiry, as for any open session). Marks, changes by hand and
 * the roster stay as they were.
 * KEYS: session hash, reopen hash, course open key, auto-close schedule, enrolled set, names hash, present hash, overrides hash.
 * ARGV: sessionId, now in epoch ms, reopenedAt (ISO), reopenedBy, autoCloseAt in epoch ms ('' when none),
 *       the fence's centre: latitude, longitude.
 * Replies {'REOPENED', reopens, the closedAt it undoes}, {'COURSE_BUSY', openSessionId}, or
 * {'SESSION_NOT_FOUND' | 'OPEN' | 'NOT_STOPPED' | 'WINDOW_PASSED'}.
 */
export const reopenSessionScript = new LuaScript(`
local s = redis.call('HMGET', KEYS[1], 'status', 'closeReason', 'closedAt', 'reopens')
if not s[1] then return {'SESSION_NOT_FOUND'} end
if s[1] == 'open' then return {'OPEN'} end
if s[2] and s[2] ~= 'stopped' then return {'NOT_STOPPED'} end
local kept = redis.call('HMGET', KEYS[2], 'qrSecret', 'untilMs')
if not kept[2] or tonumber(ARGV[2]) > tonumber(kept[2]) then return {'WINDOW_PASSED'} end
local open = redis.call('GET', KEYS[3])
if open and open ~= ARGV[1] then return {'COURSE_BUSY', open} end
local reopens = tonumber(s[4] or '0') + 1
redis.call('HSET', KEYS[1], 'status', 'open', 'latitude', ARGV[6], 'longitude', ARGV[7], 'reopens', reopens, 'reopenedAt', ARGV[3], 'reopenedBy', ARGV[4], 'reopenedFrom', s[3])
if kept[1] then redis.call('HSET', KEYS[1], 'qrSecret', kept[1]) end
redis.call('HDEL', KEYS[1], 'closedAt', 'closedBy', 'closeReason', 'reopenableUntil')
redis.call('SET', KEYS[3], ARGV[1])
if ARGV[5] ~= '' then redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1]) end
redis.call('PERSIST', KEYS[1])
for i = 5, 8 do redis.call('PERSIST', KEYS[i]) end
redis.call('DEL', KEYS[2])
return {'REOPENED', tostring(reopens), s[3]}
`);

/**
 * Marks a student present or late, at most once per session, checking in the same step everything
 * that may have changed since the student's challenge was issued.
 * KEYS: session hash, enrolled set, present hash, the student's QR attempts counter.
 * ARGV: studentId, submissionId, the mark as JSON without its status (an object, so ending in '}'),
 *       verifiedAt in epoch ms, '1' to check only, the QR code's verdict ('' when none was given),
 *       QR attempts allowed per window, the window in seconds.
 * In this order (what a student is told first comes first):
 *  - a retry of the submission that marked the student is answered RETRY even after the session
 *    closed, so the caller can still publish the mark event it may have missed;
 *  - the session is open, the student enrolled, the check-in window (checkinClosesAt) not passed;
 *  - with '1', ALLOWED and nothing written: the caller refuses for a reason of its own;
 *  - the QR code: every attempt is counted first, so one over the limit is THROTTLED whatever the
 *    code; a valid one is taken back off the count (a fixed window from the first attempt);
 *  - not yet present; then the mark, late when verified after openedAt + lateAfterMinutes.
 * The session's times are ISO 8601 in UTC as Date#toISOString writes them.
 */
export const recordMarkScript = new LuaScript(`
local function epochMs(iso)
  local y, mo, d, h, mi, sec, ms = string.match(iso, '^(%d+)-(%d+)-(%d+)T(%d+):(%d+):(%d+)%.?(%d*)Z$')
  if not y then return nil end
  y, mo, d = tonumber(y), tonumber(mo), tonumber(d)
  -- days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil)
  if mo <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local doy = math.floor((153 * ((mo + 9) % 12) + 2) / 5) + d - 1
  local days = era * 146097 + yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy - 719468
  local frac = 0
  if ms ~= '' then frac = tonumber(string.sub(ms .. '00', 1, 3)) end
  return ((days * 24 + tonumber(h)) * 60 + tonumber(mi)) * 60000 + tonumber(sec) * 1000 + frac
end
local s = redis.call('HMGET', KEYS[1], 'status', 'courseId', 'openedAt', 'lateAfterMinutes', 'checkinClosesAt')
if not s[1] then return {'SESSION_NOT_FOUND'} end
local existing = redis.call('HGET', KEYS[3], ARGV[1])
if existing and cjson.decode(existing).submissionId == ARGV[2] then return {'RETRY', s[2], existing} end
if s[1] ~= 'open' then return {'SESSION_NOT_OPEN'} end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return {'NOT_ENROLLED', s[2]} end
local at = tonumber(ARGV[4])
local closesAt = s[5] and epochMs(s[5])
if closesAt and at > closesAt then return {'WINDOW_CLOSED'} end
if ARGV[5] == '1' then return {'ALLOWED'} end
if ARGV[6] ~= '' then
  local n = redis.call('INCR', KEYS[4])
  if n == 1 then redis.call('EXPIRE', KEYS[4], ARGV[8]) end
  if n > tonumber(ARGV[7]) then return {'QR_REFUSED', 'throttled', tostring(n)} end
  if ARGV[6] ~= 'valid' then return {'QR_REFUSED', ARGV[6]} end
  redis.call('DECR', KEYS[4])
end
if existing then return {'ALREADY_PRESENT'} end
local openedAt = s[3] and epochMs(s[3])
local status = 'present'
if openedAt and at > openedAt + tonumber(s[4] or '10') * 60000 then status = 'late' end
local mark = string.sub(ARGV[3], 1, -2) .. ',"status":"' .. status .. '"}'
redis.call('HSET', KEYS[3], ARGV[1], mark)
return {'RECORDED', s[2], mark}
`);

/**
 * Sets a student's status by hand, in an open or a closed session. The change is numbered per
 * student; its previous status is the last change's, else the check-in's, else absent.
 * KEYS: session hash, enrolled set, present hash, overrides hash.
 * ARGV: studentId, status, reason, by, at.
 * Replies {'CHANGED', courseId, the stored change as JSON} or {'SESSION_NOT_FOUND' | 'NOT_ENROLLED'}.
 */
export const changeMarkScript = new LuaScript(`
local s = redis.call('HMGET', KEYS[1], 'status', 'courseId')
if not s[1] then return {'SESSION_NOT_FOUND'} end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return {'NOT_ENROLLED'} end
local previous = 'absent'
local sequence = 1
local last = redis.call('HGET', KEYS[4], ARGV[1])
if last then
  local o = cjson.decode(last)
  previous = o.status
  sequence = o.sequence + 1
else
  local mark = redis.call('HGET', KEYS[3], ARGV[1])
  if mark then previous = cjson.decode(mark).status or 'present' end
end
local change = cjson.encode({status = ARGV[2], previousStatus = previous, reason = ARGV[3], by = ARGV[4], at = ARGV[5], sequence = sequence})
redis.call('HSET', KEYS[4], ARGV[1], change)
-- A closed session's keys expire together: the change follows the session hash.
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[4], ttl) end
return {'CHANGED', s[2], change}
`);

/**
 * An enrollment changed while the session is open: adds the student (with their name) or removes
 * them, and keeps enrolledCount equal to the enrolled set. A closed session is left as it was.
 * KEYS: session hash, enrolled set, names hash, present hash.
 * ARGV: 'added' | 'removed', studentId, name (added only).
 * Replies {'CHANGED' | 'UNCHANGED' | 'NOT_OPEN'}.
 */
export const changeEnrollmentScript = new LuaScript(`
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return {'NOT_OPEN'} end
local changed
if ARGV[1] == 'added' then
  changed = redis.call('SADD', KEYS[2], ARGV[2])
  redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
else
  changed = redis.call('SREM', KEYS[2], ARGV[2])
  -- A student already marked keeps a name on the roster; anyone else leaves it.
  if redis.call('HEXISTS', KEYS[4], ARGV[2]) == 0 then redis.call('HDEL', KEYS[3], ARGV[2]) end
end
redis.call('HSET', KEYS[1], 'enrolledCount', redis.call('SCARD', KEYS[2]))
if changed == 1 then return {'CHANGED'} end
return {'UNCHANGED'}
`);

/**
 * Writes back, closed, a session the store lost (Redis came back empty) unless the session hash
 * exists again. No fence centre and no QR secret: a closed session keeps neither. The course's open
 * key and the auto-close schedule are left alone (a new session may already be open).
 * KEYS: session hash, enrolled set, names hash, present hash, overrides hash.
 * ARGV: seconds to keep it, then JSON {fields, names, present, overrides}: flat (key, value) lists.
 * Replies like the close script: {'CLOSED' | 'ALREADY_CLOSED', closedAt, closedBy, {presentIds}, closeReason}, or {'STILL_OPEN'}.
 */
export const restoreClosedSessionScript = new LuaScript(`
local function hsetChunked(key, list)
  -- in chunks: unpack() of a very large roster would overflow Lua's stack
  local i = 1
  while i <= #list do
    local last = math.min(i + 999, #list)
    redis.call('HSET', key, unpack(list, i, last))
    i = last + 1
  end
end
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'open' then return {'STILL_OPEN'} end
if status then
  local closed = redis.call('HMGET', KEYS[1], 'closedAt', 'closedBy', 'closeReason')
  return {'ALREADY_CLOSED', closed[1], closed[2], redis.call('HKEYS', KEYS[4]), closed[3] or 'stopped'}
end
local s = cjson.decode(ARGV[2])
hsetChunked(KEYS[1], s.fields)
hsetChunked(KEYS[3], s.names)
hsetChunked(KEYS[4], s.present)
hsetChunked(KEYS[5], s.overrides)
local i = 1
while i <= #s.names do
  local ids = {}
  for j = i, math.min(i + 1999, #s.names), 2 do ids[#ids + 1] = s.names[j] end
  redis.call('SADD', KEYS[2], unpack(ids))
  i = i + 2000
end
for k = 1, 5 do redis.call('EXPIRE', KEYS[k], ARGV[1]) end
local closed = redis.call('HMGET', KEYS[1], 'closedAt', 'closedBy', 'closeReason')
return {'CLOSED', closed[1], closed[2], redis.call('HKEYS', KEYS[4]), closed[3]}
`);
