package io.llmrelay.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrelay.core.backend.ModelDetails;
import io.llmrelay.core.backend.ModelInfo;
import io.llmrelay.core.backend.OllamaBodies;
import io.llmrelay.core.backend.OllamaTags;
import io.llmrelay.core.config.ModelsConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {

    private static final ModelsConfig NO_RULES = ModelsConfig.none();

    // ---- merging ----

    @Test
    void aModelOnTwoOfThreeBackendsIsListedOnceWithBothTargetsInConfigOrder() {
        ModelRegistry registry = ModelRegistry.build(List.of(
                listed("gpu-2", "llama3.1:8b", "qwen3:8b"),
                listed("gpu-1", "qwen3:8b", "phi4"),
                listed("cloud", "gpt-4o")), NO_RULES);
        assertThat(names(registry)).containsExactlyInAnyOrder("gpt-4o", "llama3.1:8b", "phi4", "qwen3:8b");
        ModelRoute qwen = registry.resolve("qwen3:8b").orElseThrow();
        assertThat(backends(qwen)).containsExactly("gpu-2", "gpu-1");
        assertThat(qwen.targets()).allSatisfy(t -> {
            assertThat(t.model()).isEqualTo("qwen3:8b");
            assertThat(t.listed()).isTrue();
        });
        assertThat(backends(registry.resolve("gpt-4o").orElseThrow())).containsExactly("cloud");
        assertThat(registry.resolve("mistral")).isEmpty(); // nobody lists it and every backend has a list
    }

    @Test
    void eachTargetReceivesItsOwnIdAndTheListingIsTheFirstTargetsUnderThePublicName() {
        ModelInfo vllm = new ModelInfo("Qwen/Qwen3-8B", 100, "vllm", 32768, Set.of("completion", "tools", "thinking"));
        ModelInfo other = new ModelInfo("qwen/qwen3-8b", 200, "sglang", 8192, Set.of("completion"));
        ModelRegistry registry = ModelRegistry.build(List.of(backend("vllm", vllm), backend("sglang", other)), NO_RULES);
        ModelRoute route = registry.resolve("QWEN/qwen3-8B").orElseThrow();
        assertThat(registry.models()).hasSize(1);
        assertThat(route.name()).isEqualTo("Qwen/Qwen3-8B");
        assertThat(route.targets()).extracting(ModelRoute.Target::model).containsExactly("Qwen/Qwen3-8B", "qwen/qwen3-8b");
        assertThat(route.targets().get(1).info()).isSameAs(other);
        assertThat(route.listing()).isEqualTo(vllm);
    }

    @Test
    void anOllamaNodesDigestAndDetailsAreKeptWhenAnotherBackendComesFirst() {
        ModelInfo node = OllamaTags.parse(OllamaBodies.json(OllamaBodies.TAGS)).get(1); // llama3.2:latest
        ModelInfo vllm = new ModelInfo("llama3.2", 0, "vllm", 131072, Set.of("completion", "tools"));
        ModelRegistry registry = ModelRegistry.build(List.of(backend("vllm", vllm), backend("ollama-1", node)), NO_RULES);
        ModelRoute route = registry.resolve("llama3.2").orElseThrow();
        assertThat(registry.models()).hasSize(1);
        assertThat(route.targets()).extracting(ModelRoute.Target::backend, ModelRoute.Target::model)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("vllm", "llama3.2"),
                        org.assertj.core.groups.Tuple.tuple("ollama-1", "llama3.2:latest"));
        ModelInfo listing = route.listing();
        assertThat(listing.id()).isEqualTo("llama3.2");
        assertThat(listing.contextLength()).isEqualTo(131072); // the first target's
        assertThat(listing.details()).isEqualTo(node.details()); // the node's digest, size and details
        assertThat(listing.created()).isEqualTo(node.created());
    }

    @Test
    void aBackendListingBothFormsOfANameServesItOnceByTheFirst() {
        ModelRegistry registry = ModelRegistry.build(List.of(listed("a", "demo", "demo:latest")), NO_RULES);
        ModelRoute route = registry.resolve("demo:latest").orElseThrow();
        assertThat(route.targets()).extracting(ModelRoute.Target::model).containsExactly("demo");
        assertThat(registry.models()).hasSize(1);
    }

    // ---- name resolution ----

    @Test
    void nameAndNameLatestAreOneModelBothWays() {
        ModelRegistry registry = ModelRegistry.build(List.of(listed("ollama", "demo:latest"),
                listed("vllm", "Qwen/Qwen3-8B")), NO_RULES);
        assertThat(registry.resolve("demo").orElseThrow().targets().get(0).model()).isEqualTo("demo:latest");
        assertThat(registry.resolve("DEMO:Latest").orElseThrow().targets().get(0).model()).isEqualTo("demo:latest");
        assertThat(registry.resolve("Qwen/Qwen3-8B:latest").orElseThrow().targets().get(0).model()).isEqualTo("Qwen/Qwen3-8B");
        assertThat(registry.resolve("qwen/qwen3-8b").orElseThrow().targets().get(0).model()).isEqualTo("Qwen/Qwen3-8B");
        assertThat(registry.resolve("demo:7b")).isEmpty(); // another tag is another model
        assertThat(registry.resolve("Qwen")).isEmpty();
    }

    @Test
    void theSameRouteIsFoundByEveryFormOfItsName() {
        ModelRegistry registry = ModelRegistry.build(List.of(listed("a", "Demo")), NO_RULES);
        ModelRoute route = registry.models().get(0);
        for (String asked : List.of("Demo", "Demo:latest", "demo", "DEMO:LATEST")) {
            assertThat(registry.resolve(asked)).as(asked).containsSame(route);
        }
    }

    // ---- filters ----

    @Test
    void eachBackendsIncludeFiltersItsOwnModelsOnly() {
        ModelRegistry registry = ModelRegistry.build(List.of(
                new BackendModels("gpu-1", infos("qwen3:8b", "qwen3-embedding:0.6b", "llama3.1:8b"), List.of("qwen*", "!*embed*"),
                        false),
                listed("gpu-2", "llama3.1:8b", "qwen3-embedding:0.6b")), NO_RULES);
        assertThat(names(registry)).containsExactlyInAnyOrder("llama3.1:8b", "qwen3-embedding:0.6b", "qwen3:8b");
        assertThat(backends(registry.resolve("llama3.1:8b").orElseThrow())).containsExactly("gpu-2");
        assertThat(backends(registry.resolve("qwen3-embedding:0.6b").orElseThrow())).containsExactly("gpu-2");
        assertThat(backends(registry.resolve("qwen3:8b").orElseThrow())).containsExactly("gpu-1");
    }

    @Test
    void theCataloguesIncludeAndTheFilterFileBothApplyToPublicNames() {
        List<BackendModels> fleet = List.of(listed("a", "qwen3:8b", "qwen3:32b", "nomic-embed-text", "llama3.1:8b", "phi4"));
        ModelRegistry exclusionsOnly = ModelRegistry.build(fleet, rules(Map.of(), List.of("!*embed*"), List.of(), Map.of()));
        assertThat(names(exclusionsOnly)).containsExactlyInAnyOrder("llama3.1:8b", "phi4", "qwen3:32b", "qwen3:8b");

        ModelRegistry both = ModelRegistry.build(fleet,
                rules(Map.of(), List.of("!*embed*"), List.of("qwen3*", "llama3.1:8b", "!*:32b"), Map.of()));
        assertThat(names(both)).containsExactlyInAnyOrder("llama3.1:8b", "qwen3:8b");
        assertThat(both.resolve("qwen3:32b")).isEmpty();
        assertThat(both.resolve("phi4")).isEmpty();
    }

    // ---- mapping ----

    @Test
    void aMappedModelIsListedAndResolvedByItsPublicNameAndSentByItsId() {
        ModelRegistry registry = ModelRegistry.build(List.of(listed("vllm", "Qwen/Qwen3-8B", "mistralai/Mistral-7B")),
                rules(Map.of(), List.of(), List.of(), Map.of("qwen3:8b", "Qwen/Qwen3-8B")));
        assertThat(names(registry)).containsExactlyInAnyOrder("mistralai/Mistral-7B", "qwen3:8b");
        ModelRoute route = registry.resolve("qwen3:8b").orElseThrow();
        assertThat(route.listing().id()).isEqualTo("qwen3:8b");
        assertThat(route.targets().get(0).model()).isEqualTo("Qwen/Qwen3-8B");
        assertThat(registry.resolve("Qwen/Qwen3-8B")).isEmpty(); // the mapping hides the backend's id
    }

    @Test
    void aMappingJoinsABackendIdToTheSameModelOnAnOllamaNode() {
        ModelInfo node = OllamaTags.parse(OllamaBodies.json(OllamaBodies.TAGS)).get(1); // llama3.2:latest
        ModelRegistry registry = ModelRegistry.build(List.of(listed("vllm", "meta-llama/Llama-3.2-3B-Instruct"),
                backend("ollama", node)), rules(Map.of(), List.of(), List.of(),
                Map.of("llama3.2", "meta-llama/Llama-3.2-3B-Instruct")));
        ModelRoute route = registry.resolve("llama3.2:latest").orElseThrow();
        assertThat(registry.models()).hasSize(1);
        assertThat(route.targets()).extracting(ModelRoute.Target::model)
                .containsExactly("meta-llama/Llama-3.2-3B-Instruct", "llama3.2:latest");
        assertThat(route.listing().details().digest()).isEqualTo(node.details().digest());
    }

    @Test
    void twoPublicNamesMayMapToOneModel() {
        Map<String, String> mapping = new LinkedHashMap<>();
        mapping.put("gpt4", "openai/gpt-4o");
        mapping.put("gpt-4o", "openai/gpt-4o");
        ModelRegistry registry = ModelRegistry.build(List.of(listed("openrouter", "openai/gpt-4o")),
                rules(Map.of(), List.of(), List.of(), mapping));
        assertThat(names(registry)).containsExactlyInAnyOrder("gpt-4o", "gpt4");
        assertThat(registry.resolve("gpt4").orElseThrow().targets().get(0).model()).isEqualTo("openai/gpt-4o");
    }

    // ---- aliases ----

    @Test
    void anAliasIsTheUnionOfWhatItNamesInPreferenceOrder() {
        List<BackendModels> fleet = List.of(listed("gpu-1", "qwen3:8b", "llama3.1:8b"), listed("gpu-2", "llama3.1:8b"),
                listed("cloud", "gpt-4o"));
        ModelRegistry registry = ModelRegistry.build(fleet,
                rules(Map.of("smart", List.of("gpu-2/llama3.1:8b", "gpt-4o", "qwen3:8b", "llama3.1:8b", "no-such-model")),
                        List.of(), List.of(), Map.of()));
        ModelRoute smart = registry.resolve("smart").orElseThrow();
        assertThat(smart.targets()).extracting(ModelRoute.Target::backend, ModelRoute.Target::model).containsExactly(
                org.assertj.core.groups.Tuple.tuple("gpu-2", "llama3.1:8b"),
                org.assertj.core.groups.Tuple.tuple("cloud", "gpt-4o"),
                org.assertj.core.groups.Tuple.tuple("gpu-1", "qwen3:8b")); // one target per backend: the preferred
        assertThat(smart.listing().id()).isEqualTo("smart");
        assertThat(registry.resolve("smart:latest")).containsSame(smart);
        assertThat(names(registry)).containsExactlyInAnyOrder("gpt-4o", "llama3.1:8b", "qwen3:8b", "smart");
        assertThat(registry.unresolvedAliases()).isEmpty();
    }

    @Test
    void aPinByBackendTakesTheModelByPublicNameOrIdEvenWithSlashesInIt() {
        ModelRegistry registry = ModelRegistry.build(List.of(listed("a", "Qwen/Qwen3-8B"), listed("b", "Qwen/Qwen3-8B")),
                rules(Map.of("on-b", List.of("b/Qwen/Qwen3-8B"), "anywhere", List.of("Qwen/Qwen3-8B"),
                        "mapped-on-b", List.of("b/qwen3")), List.of(), List.of(), Map.of("qwen3", "Qwen/Qwen3-8B")));
        assertThat(backends(registry.resolve("on-b").orElseThrow())).containsExactly("b");
        assertThat(backends(registry.resolve("mapped-on-b").orElseThrow())).containsExactly("b");
        // "Qwen" is no backend, so "Qwen/Qwen3-8B" names a model: by its id, since the mapping lists it as qwen3
        assertThat(backends(registry.resolve("anywhere").orElseThrow())).containsExactly("a", "b");
        assertThat(registry.unresolvedAliases()).isEmpty();
    }

    @Test
    void anAliasThatResolvesToNothingIsListedNowhereAndUnknown() {
        ModelRegistry registry = ModelRegistry.build(List.of(listed("a", "qwen3:8b")),
                rules(Map.of("ghost", List.of("nope", "a/nope", "zz/qwen3:8b")), List.of(), List.of(), Map.of()));
        assertThat(registry.resolve("ghost")).isEmpty();
        assertThat(names(registry)).containsExactlyInAnyOrder("qwen3:8b");
        assertThat(registry.unresolvedAliases()).containsExactly("ghost");
    }

    @Test
    void anAliasReplacesTheModelOfItsNameAndMayNameIt() {
        ModelRegistry registry = ModelRegistry.build(List.of(listed("gpu-1", "llama3"), listed("gpu-2", "llama3")),
                rules(Map.of("llama3:latest", List.of("gpu-2/llama3", "llama3")), List.of(), List.of(), Map.of()));
        assertThat(names(registry)).containsExactlyInAnyOrder("llama3:latest");
        assertThat(backends(registry.resolve("llama3").orElseThrow())).containsExactly("gpu-2", "gpu-1");
    }

    @Test
    void aliasesMayServeModelsTheFiltersHide() {
        ModelRegistry registry = ModelRegistry.build(List.of(listed("a", "qwen3:8b", "phi4")),
                rules(Map.of("fast", List.of("qwen3:8b")), List.of("fast"), List.of(), Map.of()));
        assertThat(names(registry)).containsExactlyInAnyOrder("fast");
        assertThat(registry.resolve("qwen3:8b")).isEmpty();
        assertThat(registry.resolve("fast").orElseThrow().targets().get(0).model()).isEqualTo("qwen3:8b");
    }

    // ---- backends without a list ----

    @Test
    void aNameNobodyListsGoesToTheBackendsWithoutAListThatLetItThrough() {
        List<String> described = Collections.synchronizedList(new ArrayList<>());
        ModelRegistry registry = ModelRegistry.build(List.of(
                listed("gpu-1", "qwen3:8b"),
                new BackendModels("openai", List.of(), List.of("gpt-*"), true),
                new BackendModels("openrouter", List.of(), List.of(), true)),
                rules(Map.of(), List.of("!*-preview"), List.of(), Map.of()),
                m -> {
                    described.add(m.id());
                    return m.withContext(4096, 0);
                });
        ModelRoute gpt = registry.resolve("gpt-4o:latest").orElseThrow();
        assertThat(gpt.name()).isEqualTo("gpt-4o:latest");
        assertThat(gpt.targets()).extracting(ModelRoute.Target::backend, ModelRoute.Target::model, ModelRoute.Target::listed)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("openai", "gpt-4o", false),
                        org.assertj.core.groups.Tuple.tuple("openrouter", "gpt-4o", false));
        assertThat(gpt.targets().get(0).info().contextLength()).isEqualTo(4096);
        assertThat(described).contains("gpt-4o");
        assertThat(backends(registry.resolve("anthropic/claude-sonnet-4").orElseThrow())).containsExactly("openrouter");
        assertThat(backends(registry.resolve("qwen3:8b").orElseThrow())).containsExactly("gpu-1"); // listed: only its lister
        assertThat(registry.resolve("gpt-5-preview")).isEmpty(); // the catalogue's filter holds here too
        assertThat(names(registry)).containsExactlyInAnyOrder("qwen3:8b"); // a guess is never listed
    }

    @Test
    void withoutABackendWithoutAListAnUnknownNameIsEmpty() {
        ModelRegistry registry = ModelRegistry.build(List.of(listed("a", "qwen3:8b")), NO_RULES);
        assertThat(registry.resolve("gpt-4o")).isEmpty();
        assertThat(ModelRegistry.EMPTY.resolve("qwen3:8b")).isEmpty();
        assertThat(ModelRegistry.EMPTY.models()).isEmpty();
    }

    @Test
    void aBackendWithoutAListReceivesTheMappedIdAndMayBePinnedByAnAlias() {
        ModelRegistry registry = ModelRegistry.build(List.of(listed("gpu-1", "qwen3:8b"),
                new BackendModels("openrouter", List.of(), List.of(), true)),
                rules(Map.of("cheap", List.of("openrouter/openai/gpt-4o-mini", "qwen3:8b")), List.of(), List.of(),
                        Map.of("mini", "openai/gpt-4o-mini")));
        assertThat(registry.resolve("mini").orElseThrow().targets().get(0).model()).isEqualTo("openai/gpt-4o-mini");
        ModelRoute cheap = registry.resolve("cheap").orElseThrow();
        assertThat(cheap.targets()).extracting(ModelRoute.Target::backend, ModelRoute.Target::model, ModelRoute.Target::listed)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("openrouter", "openai/gpt-4o-mini", false),
                        org.assertj.core.groups.Tuple.tuple("gpu-1", "qwen3:8b", true));
        assertThat(names(registry)).containsExactlyInAnyOrder("cheap", "qwen3:8b"); // the operator named it: listed
    }

    // ---- order and errors ----

    @Test
    void theOrderIsTheFleetsBackendsInConfigOrderEachInItsListsOrder() {
        ModelRegistry one = ModelRegistry.build(List.of(listed("a", "zeta", "Alpha", "beta"), listed("b", "gamma", "beta")),
                NO_RULES);
        assertThat(names(one)).containsExactly("zeta", "Alpha", "beta", "gamma"); // beta once, where first seen
        assertThat(one.models()).isUnmodifiable();
    }

    @Test
    void contradictoryRulesAreClearErrors() {
        assertThatThrownBy(() -> ModelRegistry.build(List.of(listed("a", "x"), listed("a", "y")), NO_RULES))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two backends are named 'a'");
        Map<String, String> mapping = new LinkedHashMap<>();
        mapping.put("demo", "a");
        mapping.put("Demo:latest", "b");
        assertThatThrownBy(() -> ModelRegistry.build(List.of(), rules(Map.of(), List.of(), List.of(), mapping)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names 'Demo:latest' twice");
        Map<String, List<String>> aliases = new LinkedHashMap<>();
        aliases.put("fast", List.of("x"));
        aliases.put("FAST", List.of("y"));
        assertThatThrownBy(() -> ModelRegistry.build(List.of(), rules(aliases, List.of(), List.of(), Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aliases 'fast' and 'FAST'");
        assertThatThrownBy(() -> ModelRegistry.build(List.of(), rules(Map.of("fast", List.of(" ")), List.of(), List.of(),
                Map.of()))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alias 'fast' has an empty entry");
        assertThatThrownBy(() -> ModelRegistry.build(List.of(new BackendModels("a", List.of(), List.of("!"), false)),
                NO_RULES)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty model pattern");
    }

    @Test
    void aListingFillsWhatItsFirstBackendDoesNotSayFromTheOthers() {
        ModelInfo bare = new ModelInfo("qwen3:8b", 0, "", 0, 0, Set.of("completion"), ModelDetails.UNKNOWN);
        ModelDetails files = new ModelDetails(5_000_000_000L, "gguf", "Q4_K_M", 8_190_000_000L, "");
        ModelInfo described = new ModelInfo("qwen3:8b", 0, "", 40960, 8192, Set.of("completion", "tools"), files);
        ModelRoute route = ModelRegistry.build(List.of(backend("static", bare), backend("vllm", described)), NO_RULES)
                .resolve("qwen3:8b").orElseThrow();
        assertThat(route.listing().contextLength()).isEqualTo(40960);
        assertThat(route.listing().loadedContextLength()).isEqualTo(8192);
        assertThat(route.listing().details()).isEqualTo(files);
        assertThat(route.listing().capabilities()).containsExactly("completion"); // the first backend's say, not merged
    }

    @Test
    void anAliasKeepsTheFamilyAndSizeOfTheModelItNames() {
        Map<String, List<String>> aliases = Map.of("fast", List.of("Qwen/Qwen3-8B"));
        ModelRoute fast = ModelRegistry.build(List.of(listed("a", "Qwen/Qwen3-8B")), rules(aliases, List.of(), List.of(),
                Map.of())).resolve("fast").orElseThrow();
        assertThat(fast.listing().id()).isEqualTo("fast");
        assertThat(fast.listing().details().family()).isEqualTo("qwen3");
        assertThat(fast.listing().details().parameterSize()).isEqualTo("8B");
    }

    // ---- helpers ----

    private static ModelsConfig rules(Map<String, List<String>> aliases, List<String> include, List<String> filter,
            Map<String, String> mapping) {
        return new ModelsConfig(aliases, include, null, filter, null, mapping);
    }

    private static BackendModels listed(String backend, String... ids) {
        return new BackendModels(backend, infos(ids), List.of(), false);
    }

    private static BackendModels backend(String backend, ModelInfo... models) {
        return new BackendModels(backend, List.of(models), List.of(), false);
    }

    private static List<ModelInfo> infos(String... ids) {
        List<ModelInfo> out = new ArrayList<>();
        for (String id : ids) {
            out.add(new ModelInfo(id, 0, "", 0, 0, Set.of("completion"), ModelDetails.UNKNOWN));
        }
        return out;
    }

    private static List<String> names(ModelRegistry registry) {
        return registry.models().stream().map(ModelRoute::name).toList();
    }

    private static List<String> backends(ModelRoute route) {
        return route.targets().stream().map(ModelRoute.Target::backend).toList();
    }
}
