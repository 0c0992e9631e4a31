package io.llmrelay.core.config;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A backend's place in the fleet: the keys of a {@code backends:} entry beside its address.
 *
 * @param priority higher first under the {@code priority} strategy (default 100)
 * @param weight the backend's share under {@code weighted} (default 1, at least 1)
 * @param maxConcurrency requests in flight at most; 0 = no cap
 * @param headers extra request headers sent on every request to this backend
 * @param models a static model list; empty = discover from the backend
 * @param include globs over this backend's models; {@code "!glob"} excludes; empty keeps all
 * @param timeouts its own connect, first-byte and idle limits (each unset one is the proxy's)
 * @param passClientAuth true when a client's own {@code Authorization} header is sent to this backend
 *     ({@code pass_client_auth}); only for a backend without a key of its own ({@code api_key_env})
 * @param nativeApis the APIs the backend serves itself ({@code native_apis}), forwarded to it as bytes;
 *     null when not configured: then its type's default ({@link BackendConfig#servesNatively})
 */
public record BackendOptions(int priority, int weight, int maxConcurrency, Map<String, String> headers,
        List<String> models, List<String> include, BackendTimeouts timeouts, boolean passClientAuth,
        Set<NativeApi> nativeApis) {

    /** Options whose native APIs are the backend type's default. */
    public BackendOptions(int priority, int weight, int maxConcurrency, Map<String, String> headers,
            List<String> models, List<String> include, BackendTimeouts timeouts, boolean passClientAuth) {
        this(priority, weight, maxConcurrency, headers, models, include, timeouts, passClientAuth, null);
    }

    /** Options that keep clients' credentials from the backend (the default). */
    public BackendOptions(int priority, int weight, int maxConcurrency, Map<String, String> headers,
            List<String> models, List<String> include, BackendTimeouts timeouts) {
        this(priority, weight, maxConcurrency, headers, models, include, timeouts, false);
    }

    /** Options with the proxy's time limits. */
    public BackendOptions(int priority, int weight, int maxConcurrency, Map<String, String> headers,
            List<String> models, List<String> include) {
        this(priority, weight, maxConcurrency, headers, models, include, BackendTimeouts.INHERIT);
    }

    public static final int DEFAULT_PRIORITY = 100;

    public BackendOptions {
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1: " + weight);
        }
        if (maxConcurrency < 0) {
            throw new IllegalArgumentException("max_concurrency must be 0 (no cap) or positive: " + maxConcurrency);
        }
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        models = List.copyOf(models);
        include = List.copyOf(include);
        java.util.Objects.requireNonNull(timeouts, "timeouts");
        nativeApis = nativeApis == null ? null
                : Collections.unmodifiableSet(nativeApis.isEmpty() ? EnumSet.noneOf(NativeApi.class) : EnumSet.copyOf(nativeApis));
    }

    public static BackendOptions defaults() {
        return new BackendOptions(DEFAULT_PRIORITY, 1, 0, Map.of(), List.of(), List.of());
    }

    /** The same options with clients' {@code Authorization} passed to the backend, or not. */
    public BackendOptions withPassClientAuth(boolean pass) {
        return new BackendOptions(priority, weight, maxConcurrency, headers, models, include, timeouts, pass, nativeApis);
    }

    /** The same options with the APIs the backend serves itself set ({@code native_apis}); null: the type's default. */
    public BackendOptions withNativeApis(Set<NativeApi> apis) {
        return new BackendOptions(priority, weight, maxConcurrency, headers, models, include, timeouts, passClientAuth, apis);
    }
}
