package io.llmrelay.core.backend;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;

/**
 * LM Studio's own model list, richer than its OpenAI one: type (LLM, vision, embeddings), tool use,
 * maximum and loaded context, quantization, format, size. Reads both the v1 API
 * ({@code /api/v1/models}, LM Studio 0.4+) and the v0 one ({@code /api/v0/models}).
 */
public final class LmStudioModels implements ServerFacts {

    /** One model's facts; a capability is null where the API says nothing about it. */
    private record Facts(boolean embedding, Boolean vision, Boolean tools, long maxContext, long loadedContext,
            ModelDetails details) {}

    private final Map<String, Facts> byId;

    private LmStudioModels(Map<String, Facts> byId) {
        this.byId = byId;
    }

    public static LmStudioModels parse(JsonNode body) {
        Map<String, Facts> byId = new HashMap<>();
        if (body != null && body.path("models").isArray()) {
            for (JsonNode m : body.get("models")) {
                readV1(m, byId);
            }
        } else if (body != null && body.path("data").isArray()) {
            for (JsonNode m : body.get("data")) {
                readV0(m, byId);
            }
        } else {
            throw new IllegalArgumentException("LM Studio model list without \"models\" or \"data\"");
        }
        return new LmStudioModels(byId);
    }

    private static void readV1(JsonNode m, Map<String, Facts> byId) {
        String key = m.path("key").asText("");
        if (key.isEmpty()) {
            return;
        }
        JsonNode caps = m.path("capabilities");
        long loaded = 0;
        for (JsonNode instance : m.path("loaded_instances")) {
            loaded = Math.max(loaded, instance.path("config").path("context_length").asLong(0));
        }
        byId.put(key, new Facts(m.path("type").asText("").startsWith("embedding"),
                caps.has("vision") ? caps.get("vision").asBoolean() : null,
                caps.has("trained_for_tool_use") ? caps.get("trained_for_tool_use").asBoolean() : null,
                m.path("max_context_length").asLong(0), loaded,
                new ModelDetails(m.path("size_bytes").asLong(0), m.path("format").asText(""),
                        m.path("quantization").path("name").asText(""), 0, m.path("params_string").asText(""))));
    }

    private static void readV0(JsonNode m, Map<String, Facts> byId) {
        String id = m.path("id").asText("");
        if (id.isEmpty()) {
            return;
        }
        String type = m.path("type").asText("");
        Boolean tools = null;
        if (m.path("capabilities").isArray()) {
            tools = false;
            for (JsonNode c : m.get("capabilities")) {
                tools |= c.asText("").equals("tool_use");
            }
        }
        byId.put(id, new Facts(type.startsWith("embedding"), type.isEmpty() ? null : type.equals("vlm"), tools,
                m.path("max_context_length").asLong(0), m.path("loaded_context_length").asLong(0),
                new ModelDetails(0, m.path("compatibility_type").asText(""), m.path("quantization").asText(""), 0, "")));
    }

    @Override
    public ModelInfo applyTo(ModelInfo model) {
        Facts f = byId.get(model.id());
        if (f == null) {
            return model;
        }
        EnumSet<Capability> caps = EnumSet.noneOf(Capability.class);
        if (f.embedding()) {
            caps.add(Capability.EMBEDDING);
        } else {
            for (String label : model.capabilities()) {
                caps.add(Capability.fromLabel(label));
            }
            caps.remove(Capability.EMBEDDING);
            caps.add(Capability.COMPLETION);
            adjust(caps, Capability.VISION, f.vision());
            adjust(caps, Capability.TOOLS, f.tools());
        }
        return model.withCapabilities(Capability.labels(caps))
                .withContext(f.maxContext() > 0 ? f.maxContext() : model.contextLength(),
                        f.loadedContext() > 0 ? f.loadedContext() : model.loadedContextLength())
                .withDetails(f.details());
    }

    private static void adjust(EnumSet<Capability> caps, Capability c, Boolean has) {
        if (Boolean.TRUE.equals(has)) {
            caps.add(c);
        } else if (Boolean.FALSE.equals(has)) {
            caps.remove(c);
        }
    }
}
