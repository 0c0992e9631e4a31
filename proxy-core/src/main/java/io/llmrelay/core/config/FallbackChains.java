package io.llmrelay.core.config;

import io.llmrelay.core.api.ModelNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code models.fallbacks}: a model → the models to try, in order, when no backend of it can
 * serve. Every chain must end: a model that falls back to itself, directly or round a cycle, is
 * refused. Names compare as clients' names do ({@code big} and {@code Big:latest} are one model);
 * whether they exist is known only once the backends are read, so that is not checked here.
 */
final class FallbackChains {

    /** One model of a chain, with where it was written. */
    private record Target(String model, ConfigValue written) {}

    /** Each chain in the file's order. */
    private final Map<String, List<Target>> targets = new LinkedHashMap<>();
    /** A model's chain by its compared name. */
    private final Map<String, String> chainOf = new HashMap<>();

    private FallbackChains() {}

    static Map<String, List<String>> read(ConfigValue v) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        FallbackChains chains = new FallbackChains();
        for (Map.Entry<String, ConfigValue> e : v.entries().entrySet()) {
            chains.chain(e.getKey(), e.getValue());
        }
        chains.refuseCycles();
        chains.targets.forEach((model, list) -> out.put(model, list.stream().map(Target::model).toList()));
        return out;
    }

    private void chain(String model, ConfigValue list) {
        if (model.isBlank() || model.chars().anyMatch(Character::isWhitespace)) {
            list.problem("a model name clients send has no spaces");
            return;
        }
        String earlier = chainOf.putIfAbsent(compared(model), model);
        if (earlier != null) {
            list.problem("'" + model + "' is the same model as '" + earlier + "': give its chain once");
            return;
        }
        List<ConfigValue> items = list.items();
        if (list.isList() && items.isEmpty()) {
            list.problem("needs the models to try instead, in order, e.g. [medium, small]");
        }
        List<Target> kept = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (ConfigValue item : items) {
            String target = item.nonBlank();
            if (target == null) {
                continue;
            }
            String key = compared(target);
            if (target.chars().anyMatch(Character::isWhitespace)) {
                item.problem("'" + target + "' has a space in it: one model name per entry");
            } else if (key.equals(compared(model))) {
                item.problem("'" + model + "' cannot fall back to itself");
            } else if (seen.contains(key)) {
                item.problem("'" + target + "' is listed twice");
            } else {
                seen.add(key);
                kept.add(new Target(target, item));
            }
        }
        targets.put(model, kept);
    }

    /** One problem per cycle, at the entry that closes it, naming the whole loop. */
    private void refuseCycles() {
        Map<String, Boolean> done = new HashMap<>(); // compared name → finished (false: on the current path)
        for (String model : targets.keySet()) {
            visit(model, new ArrayList<>(), done);
        }
    }

    private void visit(String model, List<String> path, Map<String, Boolean> done) {
        String key = compared(model);
        if (done.containsKey(key)) {
            return;
        }
        done.put(key, false);
        path.add(model);
        for (Target target : targets.getOrDefault(model, List.of())) {
            String next = chainOf.get(compared(target.model()));
            if (next == null) {
                continue; // a model without a chain of its own ends this one
            }
            if (Boolean.FALSE.equals(done.get(compared(next)))) {
                List<String> loop = new ArrayList<>(path.subList(indexOf(path, next), path.size()));
                loop.add(target.model());
                target.written().problem("'" + target.model() + "' closes a cycle (" + String.join(" -> ", loop) + "): a chain must end");
            } else {
                visit(next, path, done);
            }
        }
        path.remove(path.size() - 1);
        done.put(key, true);
    }

    private static int indexOf(List<String> path, String model) {
        for (int i = 0; i < path.size(); i++) {
            if (compared(path.get(i)).equals(compared(model))) {
                return i;
            }
        }
        return 0;
    }

    private static String compared(String model) {
        return ModelNames.withoutLatestTag(model.trim()).toLowerCase(Locale.ROOT);
    }
}
