package io.llmrelay.server.exchange;

import io.llmrelay.core.config.SecurityConfig;
import io.llmrelay.core.metrics.ErrorKind;
import io.llmrelay.core.security.AdminKey;
import io.llmrelay.core.security.ApiKeys;
import io.llmrelay.core.security.Cidr;
import io.llmrelay.server.http.Route;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.function.Supplier;

/**
 * Who may reach a route, decided once per request before its endpoint runs (after CORS):
 * <ul>
 *   <li>the client's address, from the peer or a trusted proxy's {@code X-Forwarded-For}
 *       ({@link ClientAddress});</li>
 *   <li>with client keys ({@code auth:}), every route but the open ones ({@link Route#isOpen()})
 *       needs a valid key: 401 in the caller's shape with {@code WWW-Authenticate: Bearer} otherwise;
 *       the key's name goes on the exchange (logs, metrics, its models);</li>
 *   <li>admin routes ({@link Route#isAdmin()}) follow {@code admin:} instead: the admin key when one
 *       is set, else only clients on this machine (loopback) unless they arrive on the admin port;</li>
 *   <li>then the {@link RequestLimiter}.</li>
 * </ul>
 * Reads the security settings in force for each request (a reload may change them; the compiled
 * rules are rebuilt once per change). Thread-safe; runs on the exchange's event loop.
 */
public final class Gate {

    private static final SecurityConfig NO_SECURITY = SecurityConfig.none();
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");

    /** No keys, no limits, admin routes from loopback: what a proxy without {@code auth:} or {@code admin:} does. */
    public static final Gate OPEN = new Gate(() -> NO_SECURITY, RequestLimiter.NONE);

    private final Supplier<SecurityConfig> security;
    private final RequestLimiter limiter;
    private volatile Rules rules;

    /**
     * @param security the settings in force now (read for each request)
     * @param limiter the rate limits, consulted after the key check
     */
    public Gate(Supplier<SecurityConfig> security, RequestLimiter limiter) {
        this.security = security;
        this.limiter = limiter;
        this.rules = new Rules(security.get());
    }

    /** The rules for the settings in force; rebuilt only when they changed. */
    private Rules rules() {
        SecurityConfig current = security.get();
        Rules r = rules;
        if (r.config != current) {
            r = new Rules(current); // two loops may both rebuild after a reload: harmless, both are equal
            rules = r;
        }
        return r;
    }

    /** Finds who sent the request: its address (its key is checked with the route, {@link #admits}). */
    void identify(Exchange ex) {
        List<Cidr> trusted = rules().trusted;
        InetAddress peer = peer(ex);
        // X-Forwarded-For is not even read unless some proxy is trusted to write it
        ex.clientAddress(trusted.isEmpty() ? peer
                : ClientAddress.of(peer, ex.request().headers().getAll(X_FORWARDED_FOR), trusted));
    }

    /** The connection's peer; null for a channel that is no IP socket (an in-process one, in tests). */
    private static InetAddress peer(Exchange ex) {
        SocketAddress remote = ex.remoteAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    /**
     * True when the request may go on to its endpoint (its key, if any, now on the exchange); false
     * when it was answered here (401, 403).
     *
     * @param onAdminPort true when the request came in on the separate admin port ({@code admin.port})
     */
    boolean admits(Exchange ex, Route route, boolean onAdminPort) {
        Rules r = rules();
        if (route.isAdmin()) {
            return admitsAdmin(ex, route, r, onAdminPort);
        }
        if (!r.keys.required()) {
            return true;
        }
        PresentedKey presented = PresentedKey.of(ex.request().headers());
        if (route.isOpen()) {
            // open to all; a valid key is still named in the access log
            if (presented.key() != null) {
                ex.apiKey(ex.recentKey().find(r.keys, presented.key()));
            }
            return true;
        }
        if (presented.conflicting()) {
            return unauthorized(ex, "two different API keys in Authorization and x-api-key: send one");
        }
        if (presented.key() == null) {
            return unauthorized(ex, "API key missing: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'");
        }
        ApiKeys.ApiKey key = ex.recentKey().find(r.keys, presented.key());
        if (key == null) {
            return unauthorized(ex, "invalid API key"); // never echoed, not even in part
        }
        ex.apiKey(key);
        return true;
    }

    private static boolean admitsAdmin(Exchange ex, Route route, Rules r, boolean onAdminPort) {
        if (r.adminKey != null) {
            PresentedKey presented = PresentedKey.of(ex.request().headers());
            if (presented.conflicting()) {
                return unauthorized(ex, "two different keys in Authorization and x-api-key: send the admin key once");
            }
            if (presented.key() == null) {
                return unauthorized(ex, route.label() + " needs the admin key (admin.key_env): send it as "
                        + "'Authorization: Bearer <key>' or 'x-api-key: <key>'");
            }
            if (!r.adminKey.matches(presented.key())) {
                return unauthorized(ex, "invalid admin key"); // a client key is not one
            }
            return true;
        }
        if (onAdminPort) {
            return true; // the operator exposed the admin port on purpose
        }
        InetAddress client = ex.clientAddress();
        if (client == null || client.isLoopbackAddress()) { // null: an in-process channel, no network at all
            return true;
        }
        ex.fail(403, route.label() + " is served only to clients on this machine (loopback); set admin.key_env to "
                + "require a key instead, or admin.port to serve the admin routes on a port of their own",
                ErrorKind.FORBIDDEN);
        return false;
    }

    private static boolean unauthorized(Exchange ex, String message) {
        ex.responseHeader(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        ex.fail(401, message, ErrorKind.UNAUTHORIZED);
        return false;
    }

    /** Hands an admitted request to the rate limits, which call {@code proceed} when it may go on. */
    void limit(Exchange ex, Route route, Runnable proceed) {
        limiter.admit(ex, route, proceed);
    }

    /** The security settings compiled for requests: keys by digest, the admin key's digest. Immutable. */
    private static final class Rules {
        final SecurityConfig config;
        final ApiKeys keys;
        final List<Cidr> trusted;
        final AdminKey adminKey;

        Rules(SecurityConfig config) {
            this.config = config;
            this.keys = ApiKeys.of(config.auth());
            this.trusted = config.trustedProxies();
            this.adminKey = AdminKey.of(config.admin().key());
        }
    }
}
