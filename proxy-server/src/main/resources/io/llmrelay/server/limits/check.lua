-- One rate-limit check, atomic, for every replica sharing this Redis (llm-relay, issue 13).
-- The same GCRA as the proxy's local limiter (io.llmrelay.core.limits), on Redis' own clock.
--
-- KEYS, three per stage, the stages in the order they are checked (the key's limits, the client
-- address's, the global ones; only those that apply):
--   requests: the bucket's theoretical arrival time (a string number, microseconds; absent = full)
--   leases:   sorted set of requests being answered (member = lease id, score = expiry, microseconds)
--   tokens:   when the tokens-per-minute bucket is full again (absent = full)
-- ARGV[1]: this request's lease id; ARGV[2]: a lease's lifetime in milliseconds;
-- then four per stage: microseconds per request (fractional; 0 = no rate), bucket size,
-- concurrent (0 = no cap), tokens per minute (0 = none).
--
-- Returns {allowed (1 or 0), stage (1-based), kind (1 requests, 2 concurrent, 3 tokens; 0 none),
--          limit, remaining, reset (s), retry after (s)}: the refusing limit, or for an allowed request
-- the limit its headers describe (the request bucket with the fewest left, else a cap, else tokens).
-- A refusal writes nothing but the removal of expired leases.

local t = redis.call('TIME')
-- microseconds since 2023-11-14: small enough that a double keeps sub-microsecond precision
local now = (tonumber(t[1]) - 1700000000) * 1000000 + tonumber(t[2])
local member = ARGV[1]
local leaseMs = tonumber(ARGV[2])
local stages = #KEYS / 3
local MINUTE = 60000000

local arrivals = {}
local hStage, hKind, hLimit, hRemaining, hReset = 0, 0, 0, 0, 0

local function offer(stage, kind, limit, remaining, reset)
  local better
  if hKind == 0 then
    better = true
  elseif kind == 1 then
    better = hKind ~= 1 or remaining <= hRemaining
  elseif kind == 2 then
    better = hKind == 2 and remaining <= hRemaining or hKind == 3
  else
    better = false
  end
  if better then
    hStage, hKind, hLimit, hRemaining, hReset = stage, kind, limit, remaining, reset
  end
end

for s = 1, stages do
  local k = (s - 1) * 3
  local a = 2 + (s - 1) * 4
  local interval = tonumber(ARGV[a + 1])
  local size = tonumber(ARGV[a + 2])
  local cap = tonumber(ARGV[a + 3])
  local tpm = tonumber(ARGV[a + 4])
  local debt = 0
  if tpm > 0 then
    local fullAt = tonumber(redis.call('GET', KEYS[k + 3])) or now
    debt = fullAt - now
    if debt >= MINUTE then
      -- empty (zero or less): refused until the refill makes it positive
      return {0, s, 3, tpm, 0, math.ceil(debt / 1000000), math.max(1, math.ceil((debt - MINUTE + 1) / 1000000))}
    end
  end
  if interval > 0 then
    local tat = tonumber(redis.call('GET', KEYS[k + 1])) or now
    if tat < now then
      tat = now
    end
    local arrival = tat + interval
    local backlog = arrival - now
    local capacity = size * interval
    -- a thousandth of a microsecond of slack for the doubles' rounding
    if backlog > capacity + 0.001 then
      return {0, s, 1, size, 0, math.max(1, math.ceil((tat - now) / 1000000)),
              math.max(1, math.ceil((backlog - capacity) / 1000000))}
    end
    arrivals[s] = arrival
    offer(s, 1, size, math.max(0, math.floor((capacity - backlog) / interval + 0.000001)), math.ceil(backlog / 1000000))
  end
  if cap > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[k + 2], '-inf', now)
    local held = redis.call('ZCARD', KEYS[k + 2])
    if held >= cap then
      return {0, s, 2, cap, 0, 1, 1}
    end
    offer(s, 2, cap, cap - held - 1, 1)
  end
  if tpm > 0 then
    local left = tpm
    if debt > 0 then
      left = math.max(0, math.floor(tpm - debt * tpm / MINUTE))
    end
    offer(s, 3, tpm, left, math.max(0, math.ceil(debt / 1000000)))
  end
end

for s = 1, stages do
  local k = (s - 1) * 3
  local a = 2 + (s - 1) * 4
  if arrivals[s] then
    -- kept until the bucket is full again: an absent key is a full bucket
    redis.call('SET', KEYS[k + 1], string.format('%.17g', arrivals[s]), 'PX',
               math.ceil((arrivals[s] - now) / 1000) + 1)
  end
  if tonumber(ARGV[a + 3]) > 0 then
    redis.call('ZADD', KEYS[k + 2], now + leaseMs * 1000, member)
    redis.call('PEXPIRE', KEYS[k + 2], leaseMs)
  end
end
return {1, hStage, hKind, hLimit, hRemaining, hReset, 0}
