package io.llmrelay.core.registry;

import io.llmrelay.core.backend.ModelInfo;
import java.util.List;
import java.util.Objects;

/**
 * One model of the fleet's catalogue, or the answer to a name nobody lists: the name clients use,
 * how listings show it, and the backends that serve it in preference (config) order, at most one
 * target per backend.
 *
 * @param name the public name (a backend's id, a mapping's or an alias's name; for a name nobody lists, the requested one)
 * @param listing the model as {@code /api/tags}, {@code /v1/models}, {@code /api/show} and {@code /api/ps}
 *     describe it: its id is {@code name}; the rest is the first target's, with an Ollama node's own digest
 *     and details where any target has them
 * @param targets the backends that serve it, never empty
 */
public record ModelRoute(String name, ModelInfo listing, List<Target> targets) {

    public ModelRoute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(listing, "listing");
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("model '" + name + "' has no backend to serve it");
        }
    }

    /**
     * One backend that serves the model.
     *
     * @param backend the backend's name
     * @param model the model id the backend must receive (its own id)
     * @param info what that backend says about the model (a guess from the id when {@code listed} is false)
     * @param listed true when the backend's own list has the model; false when it is sent on trust to a
     *     backend whose list cannot be read (its own answer then decides, e.g. about capabilities)
     */
    public record Target(String backend, String model, ModelInfo info, boolean listed) {

        public Target {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(info, "info");
        }
    }
}
