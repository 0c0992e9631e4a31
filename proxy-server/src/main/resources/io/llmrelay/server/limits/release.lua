-- A request's answer ended: its leases go (llm-relay, issue 13).
-- KEYS: the lease sets it holds a lease in; ARGV[1]: its lease id
for i = 1, #KEYS do
  redis.call('ZREM', KEYS[i], ARGV[1])
end
return #KEYS
