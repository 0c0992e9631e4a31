-- Leases of requests still being answered live another lifetime (llm-relay, issue 13). A lease that
-- is gone (released, expired, or Redis restarted empty) is not brought back.
-- KEYS: lease sets; ARGV[1]: a lease's lifetime in milliseconds; ARGV[i + 1]: the lease id in KEYS[i]
local t = redis.call('TIME')
local now = (tonumber(t[1]) - 1700000000) * 1000000 + tonumber(t[2])
local ms = tonumber(ARGV[1])
local renewed = 0
for i = 1, #KEYS do
  if redis.call('ZSCORE', KEYS[i], ARGV[i + 1]) then
    redis.call('ZADD', KEYS[i], now + ms * 1000, ARGV[i + 1])
    redis.call('PEXPIRE', KEYS[i], ms)
    renewed = renewed + 1
  end
end
return renewed
