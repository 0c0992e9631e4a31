package io.llmrelay.core.config;

import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.config.ConfigException.Problem;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code backends:}, the list of model servers, into {@link BackendConfig}s. A backend with a
 * problem is reported and not built; names are still collected, so a typo does not also make every
 * alias naming that backend an error.
 */
final class BackendsSection {

    static final List<String> KEYS = List.of("name", "type", "url", "api_key_env", "ca_file", "priority", "weight",
            "max_concurrency", "headers", "models", "include", "timeouts", "pass_client_auth", "native_apis");
    static final List<String> TIMEOUT_KEYS = List.of("connect", "first_byte", "idle");
    static final int MAX_WEIGHT = 1_000_000;
    static final int MAX_CONCURRENCY = 1_000_000;
    private static final Duration ONE_MS = Duration.ofMillis(1);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers the proxy writes itself on every backend request: one from the file would contradict it. */
    private static final Set<String> PROXY_HEADERS = Set.of("host", "content-length", "content-type",
            "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "proxy-connection");
    /** Servers whose address everyone shares, so {@code url} may be left out. */
    private static final Map<BackendFlavor, String> WELL_KNOWN_URLS = Map.of(
            BackendFlavor.OPENAI, "https://api.openai.com/v1",
            BackendFlavor.OPENROUTER, "https://openrouter.ai/api/v1");

    /**
     * @param backends those read without a problem, in the file's order
     * @param names every backend name given, with its line (for checking {@code backend/model} aliases)
     * @param keyVariables backend name → its {@code api_key_env}, set or not
     * @param unsetKeys an {@code api_key_env} naming a variable that is not set: an error for {@code serve}
     */
    record Result(List<BackendConfig> backends, Map<String, Integer> names, Map<String, String> keyVariables,
            List<Problem> unsetKeys) {}

    private final ConfigSource source;
    private final List<BackendConfig> backends = new ArrayList<>();
    private final Map<String, Integer> names = new LinkedHashMap<>();
    private final Map<String, String> namePaths = new HashMap<>();
    private final Map<String, String> keyVariables = new LinkedHashMap<>();
    private final List<Problem> unsetKeys = new ArrayList<>();

    private BackendsSection(ConfigSource source) {
        this.source = source;
    }

    static Result read(ConfigValue value, ConfigSource source) {
        BackendsSection reader = new BackendsSection(source);
        if (value != null) {
            for (ConfigValue item : value.items()) {
                reader.backend(item);
            }
        }
        // insertion order kept: messages list backends as the file does
        return new Result(List.copyOf(reader.backends), Collections.unmodifiableMap(reader.names),
                Collections.unmodifiableMap(reader.keyVariables), List.copyOf(reader.unsetKeys));
    }

    private void backend(ConfigValue item) {
        int problemsBefore = source.problems.count();
        ConfigSection s = item.section(KEYS);
        String name = name(s);
        ConfigValue typeValue = s.get("type");
        BackendFlavor type = typeValue == null ? null : type(typeValue);
        URI url = url(s, type);
        String keyVariable = keyVariable(s, name);
        Secret key = keyVariable == null ? null : key(s.get("api_key_env"), keyVariable);
        Path caFile = caFile(s.get("ca_file"), url);
        BackendOptions options = options(s, keyVariable != null);
        if (source.problems.count() > problemsBefore || name == null || url == null) {
            return;
        }
        // without a type the server's own model list and headers decide, once they are read
        BackendFlavor flavor = type != null ? type : BackendFlavor.guess(url.getHost());
        try {
            backends.add(new BackendConfig(name, url, flavor, key, caFile, type == null, options));
        } catch (IllegalArgumentException e) {
            source.problems.add(s.line(), s.path(), e.getMessage());
        }
    }

    private String name(ConfigSection s) {
        ConfigValue v = s.require("name", "a short unique name for logs, headers and metrics, e.g. gpu-1");
        String name = v == null ? null : v.nonBlank();
        if (name == null) {
            return null;
        }
        if (!NAME.matcher(name).matches()) {
            v.problem("must be letters, digits, '.', '_', '-' or ':' (it names the backend in headers, logs and "
                    + "'backend/model' aliases), not '" + name + "'");
            return null;
        }
        Integer earlier = names.putIfAbsent(name, v.line());
        if (earlier != null) {
            v.problem("'" + name + "' is already the name of " + namePaths.get(name) + " (line " + earlier
                    + "); names must be unique");
            return null;
        }
        namePaths.put(name, s.path());
        return name;
    }

    private static BackendFlavor type(ConfigValue v) {
        String text = v.nonBlank();
        if (text == null) {
            return null;
        }
        try {
            return BackendFlavor.fromId(text);
        } catch (IllegalArgumentException e) {
            v.problem(e.getMessage() + "; leave type out to detect it from the server");
            return null;
        }
    }

    private static URI url(ConfigSection s, BackendFlavor type) {
        ConfigValue v = s.get("url");
        if (v == null && type != null && WELL_KNOWN_URLS.containsKey(type)) {
            return URI.create(WELL_KNOWN_URLS.get(type));
        }
        if (v == null) {
            s.require("url", "the server's base URL, e.g. http://gpu-1:8000/v1 (an Ollama node: http://host:11434)");
            return null;
        }
        String text = v.nonBlank();
        if (text == null) {
            return null;
        }
        String problem = urlProblem(text);
        if (problem != null) {
            v.problem(problem);
            return null;
        }
        URI url = BackendConfig.parseUrl(text);
        // an Ollama node is addressed at its root (its own API is /api/*); '/v1' is a slip worth forgiving
        if (type == BackendFlavor.OLLAMA && url.getRawPath().endsWith("/v1")) {
            String path = url.getRawPath();
            String root = path.substring(0, path.length() - "/v1".length());
            url = BackendConfig.parseUrl(url.getScheme() + "://" + url.getRawAuthority() + root);
        }
        return url;
    }

    private static String urlProblem(String text) {
        URI raw;
        try {
            raw = new URI(text);
        } catch (URISyntaxException e) {
            return "is not a URL (" + e.getReason() + " at index " + e.getIndex() + "): '" + text + "'";
        }
        String scheme = raw.getScheme() == null ? "" : raw.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "must start with http:// or https://, not '" + text + "'";
        }
        if (raw.getRawUserInfo() != null) {
            return "must not carry credentials (user:password@): name the key's environment variable with api_key_env";
        }
        if (raw.getHost() == null || raw.getHost().isEmpty()) {
            return "has no usable host name (letters, digits, '-' and '.'; no '_'): '" + text + "'";
        }
        if (raw.getRawQuery() != null || raw.getRawFragment() != null) {
            return "must not have a query (?...) or fragment (#...): give the base URL, e.g. http://gpu-1:8000/v1";
        }
        return null;
    }

    private String keyVariable(ConfigSection s, String name) {
        ConfigValue v = s.get("api_key_env");
        String variable = v == null ? null : v.optional();
        if (variable == null) {
            return null;
        }
        if (!Interpolation.VARIABLE_NAME.matcher(variable).matches()) {
            // never echoed: a user who pasted the key itself here must not find it in a log
            v.problem("must name an environment variable (letters, digits and _), e.g. VLLM_KEY; the key itself "
                    + "goes in that variable, never in the file");
            return null;
        }
        if (name != null) {
            keyVariables.put(name, variable);
        }
        return variable;
    }

    private Secret key(ConfigValue v, String variable) {
        String value = source.env.get(variable);
        if (value == null || value.isBlank()) {
            unsetKeys.add(new Problem(source.problems.file(), v.line(), v.path(), "environment variable " + variable
                    + " is not set; set it, or remove api_key_env if the backend takes no key"));
            return null;
        }
        return Secret.of(value.trim(), "env " + variable);
    }

    private Path caFile(ConfigValue v, URI url) {
        String written = v == null ? null : v.optional();
        if (written == null) {
            return null;
        }
        Path path = source.resolve(written);
        if (url != null && !url.getScheme().equalsIgnoreCase("https")) {
            v.problem("a CA file only applies to an https:// URL, and this backend's is " + url);
        } else if (!Files.isReadable(path) || Files.isDirectory(path)) {
            v.problem("cannot read the CA file " + path);
        }
        return path;
    }

    private static BackendOptions options(ConfigSection s, boolean hasKey) {
        ConfigValue priority = s.get("priority");
        ConfigValue weight = s.get("weight");
        ConfigValue cap = s.get("max_concurrency");
        ConfigValue models = s.get("models");
        Map<String, String> headers = headers(s.get("headers"), hasKey);
        return new BackendOptions(
                priority == null ? BackendOptions.DEFAULT_PRIORITY
                        : priority.integer(Integer.MIN_VALUE, Integer.MAX_VALUE, BackendOptions.DEFAULT_PRIORITY),
                weight == null ? 1 : weight.integer(1, MAX_WEIGHT, 1),
                cap == null ? 0 : cap.integer(0, MAX_CONCURRENCY, 0),
                headers,
                models == null ? List.of() : distinct(models),
                ModelPatterns.read(s.get("include")),
                timeouts(s.get("timeouts")),
                passClientAuth(s.get("pass_client_auth"), hasKey, headers),
                nativeApis(s.get("native_apis")));
    }

    /**
     * {@code native_apis}: the client APIs the backend serves itself (forwarded as bytes); absent, the
     * type's default (both for an Ollama node, none otherwise); {@code []} turns them off.
     */
    private static Set<NativeApi> nativeApis(ConfigValue v) {
        if (v == null) {
            return null;
        }
        Set<NativeApi> apis = EnumSet.noneOf(NativeApi.class);
        for (ConfigValue item : v.items()) {
            String text = item.nonBlank();
            if (text == null) {
                continue;
            }
            NativeApi api = NativeApi.fromId(text);
            if (api == null) {
                item.problem("'" + text + "' is not an API a backend can serve natively (expected messages or responses)");
            } else if (!apis.add(api)) {
                item.problem("'" + text + "' is listed twice");
            }
        }
        return apis;
    }

    /**
     * {@code pass_client_auth}: a client's own {@code Authorization} goes to this backend. Only for a
     * backend that sends no credential of its own, so what it receives is never ambiguous.
     */
    private static boolean passClientAuth(ConfigValue v, boolean hasKey, Map<String, String> headers) {
        if (v == null || !v.bool(false)) {
            return false;
        }
        if (hasKey) {
            v.problem("this backend has api_key_env: it receives exactly its own key, never a client's; "
                    + "remove one of the two");
            return false;
        }
        for (String name : headers.keySet()) {
            if (name.equalsIgnoreCase("authorization")) {
                v.problem("headers already sends an Authorization of its own; a client's cannot be passed too");
                return false;
            }
        }
        return true;
    }

    /** The backend's own limits; each left out is the proxy's. */
    private static BackendTimeouts timeouts(ConfigValue v) {
        if (v == null) {
            return BackendTimeouts.INHERIT;
        }
        ConfigSection t = v.section(TIMEOUT_KEYS);
        return new BackendTimeouts(t.duration("connect", ONE_MS, null), t.duration("first_byte", ONE_MS, null),
                t.duration("idle", ONE_MS, null));
    }

    private static Map<String, String> headers(ConfigValue v, boolean hasKey) {
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        for (Map.Entry<String, ConfigValue> e : v.entries().entrySet()) {
            String name = e.getKey();
            ConfigValue value = e.getValue();
            String problem = headerProblem(name, value, hasKey);
            String text = problem == null ? value.text() : null;
            text = text == null ? null : text.trim();
            if (problem != null) {
                value.problem(problem);
            } else if (text != null && (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0 || text.indexOf(0) >= 0)) {
                value.problem("a header value cannot contain a line break");
            } else if (text != null) {
                out.put(name, text);
            }
        }
        return out;
    }

    private static String headerProblem(String name, ConfigValue value, boolean hasKey) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (!HEADER_NAME.matcher(name).matches()) {
            return "is not a header name (letters, digits and -, no spaces or ':')";
        }
        if (PROXY_HEADERS.contains(lower)) {
            return "the proxy sets " + name + " itself on every backend request";
        }
        if (lower.equals("authorization") && hasKey) {
            return "api_key_env already sends the key as Authorization: Bearer; keep one of the two";
        }
        if (SensitiveHeaders.isSensitive(name) && value.isScalar() && !value.written().contains("${")) {
            return "looks like a credential: take it from the environment, e.g. \"Bearer ${MY_KEY}\", so no key "
                    + "is written in the file";
        }
        return null;
    }

    private static List<String> distinct(ConfigValue models) {
        List<String> out = new ArrayList<>();
        for (ConfigValue item : models.items()) {
            String model = item.nonBlank();
            if (model != null && out.contains(model)) {
                item.problem("'" + model + "' is listed twice");
            } else if (model != null) {
                out.add(model);
            }
        }
        return out;
    }
}
