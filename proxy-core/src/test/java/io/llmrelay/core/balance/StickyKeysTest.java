package io.llmrelay.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.llmrelay.core.translate.ChatMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StickyKeysTest {

    private static ChatMessage message(String role, String content) {
        return new ChatMessage(role, content, null, List.of(), null, null, null);
    }

    private static ChatMessage parts(String role, String... texts) {
        ArrayNode parts = JsonNodeFactory.instance.arrayNode();
        for (String t : texts) {
            parts.addObject().put("type", "text").put("text", t);
        }
        parts.addObject().put("type", "image_url").put("image_url", "data:image/png;base64,AAAA");
        return new ChatMessage(role, null, parts, List.of(), null, null, null);
    }

    @Test
    void aSessionHeaderGivesTheSameKeyEveryTimeAndNoneWhenAbsent() {
        assertThat(StickyKeys.header("conv-42")).isEqualTo(StickyKeys.header("conv-42")).isNotZero();
        assertThat(StickyKeys.header("conv-42")).isNotEqualTo(StickyKeys.header("conv-43"));
        assertThat(StickyKeys.header(null)).isEqualTo(StickyKeys.NONE);
        assertThat(StickyKeys.header("  ")).isEqualTo(StickyKeys.NONE);
    }

    @Test
    void laterTurnsOfAConversationKeepItsKey() {
        List<ChatMessage> first = List.of(message("system", "You are terse."), message("user", "What is Rust?"));
        List<ChatMessage> later = new ArrayList<>(first);
        later.add(message("assistant", "A language."));
        later.add(message("user", "Show me an example."));

        assertThat(StickyKeys.prefix(later)).isEqualTo(StickyKeys.prefix(first)).isNotZero();
    }

    @Test
    void theSystemPromptAndTheFirstQuestionBothCount() {
        long base = StickyKeys.prefix(List.of(message("system", "You are terse."), message("user", "What is Rust?")));
        assertThat(StickyKeys.prefix(List.of(message("system", "You are chatty."), message("user", "What is Rust?"))))
                .isNotEqualTo(base);
        assertThat(StickyKeys.prefix(List.of(message("system", "You are terse."), message("user", "What is Go?"))))
                .isNotEqualTo(base);
        assertThat(StickyKeys.prefix(List.of(message("user", "What is Rust?")))).isNotEqualTo(base);
        // the boundary between the two texts is part of the key
        assertThat(StickyKeys.prefix("ab", "c")).isNotEqualTo(StickyKeys.prefix("a", "bc"));
        assertThat(StickyKeys.prefix("", "abc")).isNotEqualTo(StickyKeys.prefix("abc", null));
    }

    @Test
    void aPromptAndItsSystemPromptGiveTheChatsKey() {
        assertThat(StickyKeys.prefix("You are terse.", "What is Rust?"))
                .isEqualTo(StickyKeys.prefix(List.of(message("system", "You are terse."), message("user", "What is Rust?"))));
        assertThat(StickyKeys.prefix(null, "What is Rust?"))
                .isEqualTo(StickyKeys.prefix(List.of(message("user", "What is Rust?"))));
    }

    @Test
    void textInContentPartsCountsAndImagesDoNot() {
        long withParts = StickyKeys.prefix(List.of(parts("user", "Describe", "this")));
        assertThat(withParts).isNotZero()
                .isEqualTo(StickyKeys.prefix(List.of(parts("user", "Describe", "this"))))
                .isNotEqualTo(StickyKeys.prefix(List.of(parts("user", "Describe", "that"))));
    }

    @Test
    void aConversationWithoutSystemOrUserTextHasNoKey() {
        assertThat(StickyKeys.prefix(List.of())).isEqualTo(StickyKeys.NONE);
        assertThat(StickyKeys.prefix(List.of(message("assistant", "Hello")))).isEqualTo(StickyKeys.NONE);
        assertThat(StickyKeys.prefix(null, null)).isEqualTo(StickyKeys.NONE);
    }

    @Test
    void keysOfManyConversationsDoNotCollide() {
        Set<Long> keys = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            keys.add(StickyKeys.prefix("You are a helpful assistant.", "Question number " + i));
        }
        assertThat(keys).hasSize(100_000);
    }
}
