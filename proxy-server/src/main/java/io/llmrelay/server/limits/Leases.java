package io.llmrelay.server.limits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leases this replica holds in Redis' concurrency sets, renewed while their requests run.
 *
 * <p>The scheme: each concurrency cap is a sorted set of leases (member: a lease id unique to the
 * request, {@code <replica>:<n>}; score: its expiry on Redis' clock). A check first drops expired
 * leases, then counts the rest against the cap and adds its own. A request's lease is removed when its
 * answer ends, and renewed every {@link #RENEW_EVERY} (a third of its {@link #LIFETIME}) while it
 * runs, so a stream may last any time. A replica that dies stops renewing: its leases expire within a
 * lifetime and its slots come back. A lease missing at renewal (Redis restarted empty) is not brought
 * back: that request runs uncounted until it ends.
 */
final class Leases {

    static final Duration LIFETIME = Duration.ofSeconds(30);
    static final Duration RENEW_EVERY = Duration.ofSeconds(10);
    /** keys per {@code renew.lua} call: bounds one script's run on Redis */
    static final int BATCH = 256;

    private final Set<SharedPermit> live = ConcurrentHashMap.newKeySet();

    void add(SharedPermit p) {
        live.add(p);
    }

    void remove(SharedPermit p) {
        live.remove(p);
    }

    int size() {
        return live.size();
    }

    /** The renewals as batches of {@code renew.lua} keys and arguments. */
    List<String[][]> batches() {
        List<String[][]> out = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        args.add(Long.toString(LIFETIME.toMillis()));
        for (SharedPermit p : live) {
            for (String k : p.call.leaseKeys) {
                keys.add(k);
                args.add(p.call.member);
            }
            if (keys.size() >= BATCH) {
                out.add(new String[][] {keys.toArray(String[]::new), args.toArray(String[]::new)});
                keys.clear();
                args.clear();
                args.add(Long.toString(LIFETIME.toMillis()));
            }
        }
        if (!keys.isEmpty()) {
            out.add(new String[][] {keys.toArray(String[]::new), args.toArray(String[]::new)});
        }
        return out;
    }
}
