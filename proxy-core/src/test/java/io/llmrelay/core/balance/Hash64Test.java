package io.llmrelay.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Hash64Test {

    @Test
    void theSameTextAndSeedGiveTheSameHash() {
        assertThat(Hash64.chars("gpu-1", 0)).isEqualTo(Hash64.chars(new StringBuilder("gpu-1"), 0));
        assertThat(Hash64.chars("gpu-1", 0)).isNotEqualTo(Hash64.chars("gpu-1", 1));
    }

    @Test
    void everyCharacterAndTheLengthCount() {
        String text = "The quick brown fox jumps over the lazy dog";
        long h = Hash64.chars(text, 7);
        for (int i = 0; i < text.length(); i++) {
            char[] changed = text.toCharArray();
            changed[i] ^= 1;
            assertThat(Hash64.chars(new String(changed), 7)).as("change at %d", i).isNotEqualTo(h);
        }
        assertThat(Hash64.chars("a", 0)).isNotEqualTo(Hash64.chars("a\0", 0));
        assertThat(Hash64.chars("", 0)).isNotEqualTo(Hash64.chars("\0", 0));
    }

    @Test
    void aOneBitChangeFlipsAboutHalfTheOutputBits() {
        long flips = 0;
        int trials = 0;
        for (int i = 0; i < 1_000; i++) {
            String text = "session-" + i;
            long h = Hash64.chars(text, 0);
            for (int p = 0; p < text.length(); p++) {
                for (int bit = 0; bit < 16; bit++) {
                    char[] changed = text.toCharArray();
                    changed[p] ^= (char) (1 << bit);
                    flips += Long.bitCount(h ^ Hash64.chars(new String(changed), 0));
                    trials++;
                }
            }
        }
        assertThat((double) flips / trials).isBetween(31.0, 33.0);
    }
}
