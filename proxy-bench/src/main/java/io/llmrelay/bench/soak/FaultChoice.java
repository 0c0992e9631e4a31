package io.llmrelay.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Decides the fleet's next fault switch at random (seeded): a backend, and for it either no fault
 * or a mode of the demo backend's list at a random rate, sometimes on every request it serves
 * ({@code scope: all}, so its health probes fail too and the proxy marks it down). At most
 * {@code maxFaulty} backends are faulty at once: to fault another, the one faulty the longest is
 * cleared first, so every model (each served by two backends or more) keeps a healthy backend.
 *
 * <p>Rates are capped for the two costly modes: a 17 MiB event and a one-byte-a-millisecond drip
 * on every request would make the soak about those two alone.
 */
final class FaultChoice {

    /** Every mode of {@code mock-backend --fault} but {@code none} (proxy-server's {@code Fault}). */
    static final List<String> MODES = List.of("refuse", "reset-before-headers", "reset-mid-stream",
            "stall-before-first-byte", "stall-mid-stream", "malformed-sse", "oversize-event", "500", "429", "503",
            "slow-drip", "wrong-content-type");

    static final String NONE = "none";

    /** A fault plan for one backend, as {@code POST /__fault} takes it. */
    record Plan(int backend, String mode, double rate, String scope, long seed) {
        String json(long oversizeBytes) {
            if (mode.equals(NONE)) {
                return "{\"mode\":\"none\"}";
            }
            return String.format(Locale.ROOT, "{\"mode\":\"%s\",\"rate\":%.2f,\"scope\":\"%s\",\"seed\":%d,"
                    + "\"retry_after\":1,\"drip_ms\":1,\"oversize_bytes\":%d}", mode, rate, scope, seed, oversizeBytes);
        }

        boolean faulty() {
            return !mode.equals(NONE);
        }
    }

    private final SplittableRandom random;
    private final List<String> modes;
    private final int maxFaulty;
    private final double noneShare;
    /** Backends faulty now, the longest-faulty first. */
    private final List<Integer> faulty = new ArrayList<>();
    private final int backends;

    FaultChoice(long seed, int backends, List<String> modes, int maxFaulty, double noneShare) {
        for (String mode : modes) {
            if (!MODES.contains(mode)) {
                throw new IllegalArgumentException("unknown fault mode '" + mode + "' (one of: "
                        + String.join(", ", MODES) + ")");
            }
        }
        if (modes.isEmpty() || maxFaulty < 1 || maxFaulty >= backends) {
            throw new IllegalArgumentException("need at least one mode and 1 to " + (backends - 1)
                    + " faulty backends at once");
        }
        this.random = new SplittableRandom(seed);
        this.backends = backends;
        this.modes = List.copyOf(modes);
        this.maxFaulty = maxFaulty;
        this.noneShare = noneShare;
    }

    /** The next switch: one plan, or two when a faulty backend must be cleared first (that one first). */
    List<Plan> next() {
        int backend = random.nextInt(backends);
        List<Plan> plans = new ArrayList<>(2);
        if (random.nextDouble() < noneShare) {
            faulty.remove(Integer.valueOf(backend));
            plans.add(new Plan(backend, NONE, 0, "inference", 0));
            return plans;
        }
        String mode = modes.get(random.nextInt(modes.size()));
        double rate = Math.round((0.1 + 0.9 * random.nextDouble()) * maxRate(mode) * 100) / 100.0;
        // "all" brings the health probes into it; a refuse under "all" would also refuse the switch back
        String scope = !mode.equals("refuse") && random.nextInt(4) == 0 ? "all" : "inference";
        long seed = random.nextLong();
        faulty.remove(Integer.valueOf(backend));
        if (faulty.size() >= maxFaulty) {
            plans.add(new Plan(faulty.remove(0), NONE, 0, "inference", 0));
        }
        faulty.add(backend);
        plans.add(new Plan(backend, mode, Math.max(0.01, rate), scope, seed));
        return plans;
    }

    private static double maxRate(String mode) {
        return switch (mode) {
            case "oversize-event" -> 0.1;
            case "slow-drip" -> 0.25;
            default -> 1.0;
        };
    }
}
