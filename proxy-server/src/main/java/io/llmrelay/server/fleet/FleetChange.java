package io.llmrelay.server.fleet;

import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.core.config.RelayConfig;
import io.llmrelay.core.config.ResilienceConfig;
import io.llmrelay.core.config.Secret;
import io.llmrelay.core.resilience.FleetResilience;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configuration reload of a running fleet, worked out before anything changes. Backends are
 * matched by name:
 * <ul>
 *   <li><b>kept</b>: the same settings (address, type, key, CA file, options, resolved time limits):
 *       the same {@link Backend}, with its pools, load, statistics, health, breaker and catalogue;
 *       the fleet-wide settings it applies itself are handed over ({@link Backend#reconfigure});</li>
 *   <li><b>changed</b>: other settings: a new backend of that name, the old one retired;</li>
 *   <li><b>removed</b>: retired;</li>
 *   <li><b>added</b>: new.</li>
 * </ul>
 * The steps: {@link #plan} makes the new backends (nothing runs yet); {@link #start} starts their
 * probes and list reads and waits for the first of each; {@link #nextFleet} hands the settings to the
 * kept backends and makes the fleet to swap in; after the swap, {@link #retireOld} retires the
 * backends that left. Not thread-safe: one reload at a time, on one thread.
 */
public final class FleetChange {

    private static final Logger LOG = LoggerFactory.getLogger(FleetChange.class);

    /** Makes a backend of the running proxy: its origin (a pool per event loop) and its state. */
    public interface BackendFactory {
        Backend create(BackendConfig backend, RelayConfig config, FleetResilience resilience);
    }

    private final RelayConfig next;
    private final FleetResilience resilience;
    /** the per-backend resilience settings changed: kept backends get fresh state from {@link #resilience} */
    private final boolean freshBackendResilience;
    /** the next fleet's backends, in the next configuration's order */
    private final List<Backend> backends = new ArrayList<>();
    private final List<Backend> kept = new ArrayList<>();
    private final List<Backend> made = new ArrayList<>();
    private final List<Backend> leaving = new ArrayList<>();
    private final List<String> added = new ArrayList<>();
    private final List<String> removed = new ArrayList<>();
    private final List<String> changed = new ArrayList<>();
    private final List<String> settings;

    private FleetChange(Fleet current, RelayConfig next, BackendFactory factory) {
        this.next = next;
        RelayConfig before = current.config();
        FleetResilience running = current.resilience();
        this.resilience = running.config().equals(next.resilience()) ? running
                : running.reconfigured(next.resilience());
        this.freshBackendResilience = !sameBackendResilience(before.resilience(), next.resilience());
        this.settings = changedSettings(before, next);
        for (BackendConfig b : next.backends()) {
            Backend old = current.named(b.name());
            if (old != null && sameBackend(old, b, next)) {
                kept.add(old);
                backends.add(old);
                continue;
            }
            Backend fresh = factory.create(b, next, resilience);
            made.add(fresh);
            backends.add(fresh);
            if (old == null) {
                added.add(b.name());
            } else {
                changed.add(b.name());
                leaving.add(old);
            }
        }
        for (Backend old : current.backends()) {
            if (next.backends().stream().noneMatch(b -> b.name().equals(old.name()))) {
                removed.add(old.name());
                leaving.add(old);
            }
        }
    }

    /**
     * Works out the change from {@code current} to {@code next} and makes the backends it adds or
     * replaces (their pools exist, nothing is connected or probed yet).
     *
     * @throws IllegalArgumentException (or another runtime exception) when a backend cannot be made,
     *     e.g. its CA file cannot be used; nothing has changed then
     */
    public static FleetChange plan(Fleet current, RelayConfig next, BackendFactory factory) {
        return new FleetChange(current, next, factory);
    }

    /**
     * Starts the new backends' health checks and reads their model lists, then waits (at most
     * {@code wait}) until each has its first probe verdict and its list was read or tried, so that the
     * fleet swapped in already routes to them and {@code /health/ready} does not blink. A backend still
     * unanswered then is left to its checks, as at start-up.
     */
    public void start(Duration wait) throws InterruptedException {
        List<CompletableFuture<?>> firsts = new ArrayList<>();
        for (Backend b : made) {
            b.health().start();
            CompletableFuture<Void> listed = new CompletableFuture<>();
            EventLoop loop = b.health().loop(); // a read runs on a loop, like every backend call
            loop.execute(() -> b.catalog().get(loop, Duration.ZERO, (snapshot, failure) -> listed.complete(null)));
            firsts.add(listed);
            firsts.add(b.health().firstVerdict());
        }
        if (firsts.isEmpty()) {
            return;
        }
        try {
            CompletableFuture.allOf(firsts.toArray(new CompletableFuture<?>[0])).get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.warn("reload: not every added backend answered within {} ms; they join the fleet anyway and are "
                    + "routed to once their probes and model lists say so", wait.toMillis());
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause()); // the futures only ever complete normally
        }
    }

    /**
     * Hands the reloaded fleet-wide settings to the kept backends and makes the fleet to swap in. Call
     * once, right before swapping it in.
     */
    public Fleet nextFleet() {
        for (Backend b : kept) {
            b.reconfigure(next, freshBackendResilience ? resilience.backend(b.name()) : null);
        }
        return new Fleet(next, backends, resilience);
    }

    /** Once the next fleet serves: the removed and replaced backends leave (their running answers finish). */
    public void retireOld() {
        leaving.forEach(Backend::retire);
    }

    /** The reload will not be swapped in after all (the proxy is stopping): the new backends stop. */
    public void abandon() {
        made.forEach(Backend::retire);
    }

    /** The backends that joined the fleet. */
    public List<String> added() {
        return List.copyOf(added);
    }

    /** The backends that left the fleet. */
    public List<String> removed() {
        return List.copyOf(removed);
    }

    /** The backends whose own settings changed (each replaced by a new backend of the same name). */
    public List<String> changed() {
        return List.copyOf(changed);
    }

    /** The fleet-wide settings that changed, by their config keys ({@code routing}, {@code retry}, ...). */
    public List<String> settings() {
        return settings;
    }

    /** The backends that left or were replaced, as they were: retired by {@link #retireOld()}. */
    public List<Backend> leaving() {
        return List.copyOf(leaving);
    }

    /**
     * True when {@code old} can serve as {@code config} says without being made anew: the same
     * settings (the API key compared by value) and the same resolved time limits.
     */
    static boolean sameBackend(Backend old, BackendConfig config, RelayConfig next) {
        BackendConfig was = old.config();
        return was.equals(withKey(config, was.apiKey())) && sameKey(was.apiKey(), config.apiKey())
                && old.timeouts().equals(config.options().timeouts().resolve(next.timeouts()));
    }

    /** {@code b} with {@code key} in place of its own: the rest compared as a record. */
    private static BackendConfig withKey(BackendConfig b, Secret key) {
        return new BackendConfig(b.name(), b.baseUrl(), b.flavor(), key, b.trustedCertificates(), b.detectFlavor(),
                b.options());
    }

    private static boolean sameKey(Secret a, Secret b) {
        return a == null ? b == null : b != null && a.reveal().equals(b.reveal());
    }

    /** The settings each {@code BackendResilience} is made with: health fall and rise, slow start, breaker, outlier. */
    private static boolean sameBackendResilience(ResilienceConfig a, ResilienceConfig b) {
        return a.health().fall() == b.health().fall() && a.health().rise() == b.health().rise()
                && a.health().slowStart().equals(b.health().slowStart()) && a.breaker().equals(b.breaker())
                && a.outlier().equals(b.outlier());
    }

    private static List<String> changedSettings(RelayConfig a, RelayConfig b) {
        List<String> out = new ArrayList<>();
        Map<String, Boolean> same = new java.util.LinkedHashMap<>();
        same.put("routing", a.routing().equals(b.routing()));
        same.put("models", a.models().equals(b.models()));
        same.put("model_overrides", a.modelOverrides().equals(b.modelOverrides()));
        same.put("health", a.resilience().health().equals(b.resilience().health())
                && a.healthInterval().equals(b.healthInterval()));
        same.put("breaker", a.resilience().breaker().equals(b.resilience().breaker()));
        same.put("outlier", a.resilience().outlier().equals(b.resilience().outlier()));
        same.put("retry", a.resilience().retry().equals(b.resilience().retry()));
        same.put("server.timeouts", Objects.equals(a.timeouts().connect(), b.timeouts().connect())
                && Objects.equals(a.timeouts().upstreamIdle(), b.timeouts().upstreamIdle()));
        same.put("server.models_refresh", a.modelsRefresh().equals(b.modelsRefresh()));
        same.forEach((key, unchanged) -> {
            if (!unchanged) {
                out.add(key);
            }
        });
        return List.copyOf(out);
    }
}
