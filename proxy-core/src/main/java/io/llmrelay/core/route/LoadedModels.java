package io.llmrelay.core.route;

import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.translate.KeepAlive;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models clients have used recently, kept "loaded" for their keep-alive, as Ollama's
 * {@code /api/ps} shows them: once each, however many backends served it (the fleet is one server
 * to a client), with the backend that served it last. A request with {@code keep_alive: 0} unloads; a negative one keeps the
 * model forever. An expiry is kept to the second: a use that would move it by less is not written
 * (the map is shared by every event loop, and each request touches it). Thread-safe: every event
 * loop records into it.
 */
public final class LoadedModels {

    /** A model, the backend that served it last, and when it stops counting as loaded. */
    public record Entry(String backend, ModelInfo model, Instant expiresAt) {}

    private static final Instant FOREVER = Instant.parse("9999-12-31T23:59:59Z");
    /** A later expiry less than this beyond the recorded one leaves the entry as it is. */
    private static final Duration REWRITE_AFTER = Duration.ofSeconds(1);

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    /** Records a use of {@code model} on {@code backend} with the keep-alive the request asked for (null: default). */
    public void touch(String backend, ModelInfo model, Duration keepAlive, Instant now) {
        Duration ttl = keepAlive == null ? KeepAlive.DEFAULT : keepAlive;
        String key = model.id();
        if (ttl.isZero()) {
            entries.remove(key);
            return;
        }
        Instant expiresAt = ttl.isNegative() ? FOREVER : now.plus(ttl);
        Entry known = entries.get(key);
        if (known != null && known.model() == model && known.backend().equals(backend)
                && !expiresAt.isBefore(known.expiresAt()) && expiresAt.isBefore(known.expiresAt().plus(REWRITE_AFTER))) {
            return; // every request touches its model: the shared map is written once a second, not by every one
        }
        entries.put(key, new Entry(backend, model, expiresAt));
    }

    /** The models still loaded at {@code now}, the ones that stay longest first (as Ollama sorts them). */
    public List<Entry> current(Instant now) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.expiresAt().isAfter(now)) {
                out.add(e);
            } else {
                entries.remove(e.model().id(), e);
            }
        }
        out.sort(Comparator.comparing(Entry::expiresAt).reversed());
        return out;
    }
}
