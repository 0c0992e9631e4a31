-- An answer's tokens taken from a key's tokens-per-minute bucket (llm-relay, issue 13); it may go
-- below zero (a debt the refill pays off), at most a day deep.
-- KEYS[1]: when the bucket is full again (microseconds; absent = full)
-- ARGV[1]: tokens; ARGV[2]: tokens per minute
local t = redis.call('TIME')
local now = (tonumber(t[1]) - 1700000000) * 1000000 + tonumber(t[2])
local tokens = tonumber(ARGV[1])
local tpm = tonumber(ARGV[2])
if tokens <= 0 or tpm <= 0 then
  return 0
end
local fullAt = tonumber(redis.call('GET', KEYS[1])) or now
if fullAt < now then
  fullAt = now
end
fullAt = fullAt + tokens * 60000000 / tpm
if fullAt - now > 86400000000 then
  fullAt = now + 86400000000
end
redis.call('SET', KEYS[1], string.format('%.17g', fullAt), 'PX', math.ceil((fullAt - now) / 1000) + 1)
return 1
