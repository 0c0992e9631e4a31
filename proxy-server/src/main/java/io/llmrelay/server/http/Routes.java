package io.llmrelay.server.http;

import io.llmrelay.core.api.ClientApi;
import java.util.HashMap;
import java.util.Map;

/** Finds the route of a request path (query string ignored, one trailing slash tolerated). */
public final class Routes {

    private static final Map<String, Route> EXACT = new HashMap<>();

    static {
        for (Route route : Route.values()) {
            if (!route.isPrefix()) {
                EXACT.put(route.path(), route);
            }
        }
    }

    private Routes() {}

    /** The route for a path, or null when none serves it. */
    public static Route find(String path) {
        Route exact = EXACT.get(path);
        if (exact != null) {
            return exact;
        }
        if (path.length() > 1 && path.endsWith("/")) {
            exact = EXACT.get(path.substring(0, path.length() - 1));
            if (exact != null) {
                return exact;
            }
        }
        if (path.startsWith(Route.BLOBS.path()) && path.length() > Route.BLOBS.path().length()) {
            return Route.BLOBS;
        }
        if (path.startsWith(Route.OPENAI_MODEL.path()) && path.length() > Route.OPENAI_MODEL.path().length()) {
            return Route.OPENAI_MODEL;
        }
        if (path.startsWith(Route.RESPONSE.path()) && path.length() > Route.RESPONSE.path().length()) {
            return Route.RESPONSE;
        }
        return null;
    }

    /** The path of a request URI: no query string, no fragment. */
    public static String pathOf(String uri) {
        int end = uri.length();
        int q = uri.indexOf('?');
        if (q >= 0) {
            end = q;
        }
        int hash = uri.indexOf('#');
        if (hash >= 0 && hash < end) {
            end = hash;
        }
        return uri.substring(0, end);
    }

    /** The API a caller speaks, from its path alone; used for errors before a route is known. */
    public static ClientApi apiOf(String uri) {
        if (uri.startsWith("/v1/messages") && (uri.length() == 12 || "/?#".indexOf(uri.charAt(12)) >= 0)) {
            return ClientApi.ANTHROPIC;
        }
        return uri.startsWith("/v1/") || uri.equals("/v1") ? ClientApi.OPENAI : ClientApi.OLLAMA;
    }
}
