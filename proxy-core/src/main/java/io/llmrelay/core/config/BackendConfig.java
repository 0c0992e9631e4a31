package io.llmrelay.core.config;

import io.llmrelay.core.backend.BackendFlavor;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One OpenAI-compatible backend.
 *
 * @param name a short name for logs and errors
 * @param baseUrl the base URL requests are resolved against, e.g. {@code http://localhost:8000/v1}
 * @param apiKey null when the backend needs no key
 * @param flavor the server type, or the guess used until the server shows its own
 * @param trustedCertificates a PEM file of the certificates (CAs) to trust for this HTTPS backend
 *     instead of the system's; null for the system trust store
 * @param detectFlavor true when the type was not given: the server's model list and headers decide it
 * @param options its place in the fleet (priority, weight, cap, extra headers, model list and filters)
 */
public record BackendConfig(String name, URI baseUrl, BackendFlavor flavor, Secret apiKey, Path trustedCertificates,
        boolean detectFlavor, BackendOptions options) {

    /** A backend with the fleet defaults. */
    public BackendConfig(String name, URI baseUrl, BackendFlavor flavor, Secret apiKey, Path trustedCertificates,
            boolean detectFlavor) {
        this(name, baseUrl, flavor, apiKey, trustedCertificates, detectFlavor, BackendOptions.defaults());
    }

    /** A backend of a known type, trusted through the system's certificate store. */
    public BackendConfig(String name, URI baseUrl, BackendFlavor flavor, Secret apiKey) {
        this(name, baseUrl, flavor, apiKey, null, false);
    }

    /** A backend of a known type. */
    public BackendConfig(String name, URI baseUrl, BackendFlavor flavor, Secret apiKey, Path trustedCertificates) {
        this(name, baseUrl, flavor, apiKey, trustedCertificates, false);
    }

    public BackendConfig {
        java.util.Objects.requireNonNull(options, "options");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a backend needs a name");
        }
        String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("backend URL must start with http:// or https://: " + baseUrl);
        }
        if (baseUrl.getHost() == null || baseUrl.getHost().isEmpty()) {
            throw new IllegalArgumentException("backend URL has no host: " + baseUrl);
        }
        if (trustedCertificates != null && !scheme.equals("https")) {
            throw new IllegalArgumentException("a CA file only applies to an https:// backend: " + baseUrl);
        }
        if (trustedCertificates != null && !Files.isReadable(trustedCertificates)) {
            throw new IllegalArgumentException("cannot read the CA file " + trustedCertificates);
        }
        if (options.passClientAuth() && apiKey != null) {
            throw new IllegalArgumentException("backend '" + name + "' has a key of its own (api_key_env): it "
                    + "receives exactly that key, so pass_client_auth cannot also be set");
        }
    }

    /** Parses a base URL given on the command line or in the environment. */
    public static URI parseUrl(String url) {
        try {
            URI uri = new URI(url.trim());
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            return new URI(uri.getScheme(), uri.getRawAuthority(), path, null, null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("invalid backend URL '" + url + "': " + e.getMessage());
        }
    }

    public boolean tls() {
        return baseUrl.getScheme().equalsIgnoreCase("https");
    }

    public String host() {
        return baseUrl.getHost();
    }

    public int port() {
        return baseUrl.getPort() > 0 ? baseUrl.getPort() : tls() ? 443 : 80;
    }

    /** The Host header value: the port only when it is not the scheme's default. */
    public String hostHeader() {
        int port = baseUrl.getPort();
        if (port <= 0 || port == (tls() ? 443 : 80)) {
            return host();
        }
        // host:port as the URL wrote it, which the URI keeps: no text built per request
        return baseUrl.getRawUserInfo() == null ? baseUrl.getRawAuthority() : host() + ":" + port;
    }

    /** The base path without a trailing slash, e.g. {@code /v1} or {@code /api/v1}; "" for none. */
    public String basePath() {
        String path = baseUrl.getRawPath();
        return path == null ? "" : path;
    }

    /**
     * The server's root path, where servers keep their own APIs beside the OpenAI one (llama.cpp's
     * {@code /props}, LM Studio's {@code /api/v0}): the base path without a trailing {@code /v1}.
     */
    public String rootPath() {
        String base = basePath();
        return base.endsWith("/v1") ? base.substring(0, base.length() - 3) : base;
    }

    /**
     * True when the backend serves {@code api} itself, so a request in that API is forwarded as bytes:
     * as {@code native_apis} says, or by default for an Ollama node ({@code type: ollama}), which serves
     * every one of them, and for no other type.
     */
    public boolean servesNatively(NativeApi api) {
        if (options.nativeApis() != null) {
            return options.nativeApis().contains(api);
        }
        return flavor == BackendFlavor.OLLAMA && !detectFlavor;
    }

    /** The URL for logs and error messages (a base URL carries no credentials). */
    public String displayUrl() {
        return baseUrl.getScheme() + "://" + hostHeader() + basePath();
    }
}
