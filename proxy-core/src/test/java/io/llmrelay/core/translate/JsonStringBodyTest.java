package io.llmrelay.core.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonStringBodyTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "Hello", " quick", "a\\nb", "\\\"quoted\\\" \\\\ \\/ \\b\\f\\r\\t", "\\u00e9\\u0041",
        "\\ud83d\\ude00", "\\uD83D", "naïve café", "日本語", "emoji 😀 end", "mixed \\n ü 😀 \\u263a"})
    void readsWhatAJsonParserReads(String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertThat(JsonStringBody.decode(bytes, 0, bytes.length)).isEqualTo(jackson(bytes));
    }

    @Test
    void readsARangeOfTheArray() {
        byte[] bytes = "xx\"tok\\n\"yy".getBytes(StandardCharsets.UTF_8);
        assertThat(JsonStringBody.decode(bytes, 3, 8)).isEqualTo("tok\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\"b", "tab\there", "nl\nhere", "end\\", "\\x", "\\u12", "\\u12G4", "\\'"})
    void refusesWhatIsNoPlainStringBody(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertThat(JsonStringBody.decode(bytes, 0, bytes.length)).isNull();
    }

    @Test
    void refusesUtf8ThatIsNotWellFormed() {
        byte[][] cases = {
            {'a', (byte) 0xC0, (byte) 0x80},                           // overlong NUL
            {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},                   // overlong slash
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},                   // a surrogate
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},      // above U+10FFFF
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            {(byte) 0x80},                                             // a lone continuation
            {'a', (byte) 0xC3},                                        // cut at the end
            {(byte) 0xE2, (byte) 0x82, 'x'},                           // cut in the middle
        };
        for (byte[] bytes : cases) {
            assertThat(JsonStringBody.decode(bytes, 0, bytes.length)).isNull();
        }
    }

    /** Whatever it reads, a JSON parser reads the same from the same bytes between quotes. */
    @Test
    void neverReadsWhatAParserReadsDifferentlyOrRefuses() {
        byte[] alphabet = {'a', ' ', '\\', '"', 'n', 'u', '0', 'd', '8', 'F', '/', 0x01, (byte) 0xC3, (byte) 0xA9,
            (byte) 0xE2, (byte) 0x82, (byte) 0xAC, (byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80, (byte) 0xED};
        Random random = new Random(42);
        int read = 0;
        for (int n = 0; n < 200_000; n++) {
            byte[] bytes = new byte[random.nextInt(9)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = alphabet[random.nextInt(alphabet.length)];
            }
            String ours = JsonStringBody.decode(bytes, 0, bytes.length);
            if (ours != null) {
                read++;
                assertThat(jacksonOrNull(bytes)).as("bytes %s", java.util.Arrays.toString(bytes)).isEqualTo(ours);
            }
        }
        assertThat(read).isGreaterThan(10_000); // the property was tried on many readable bodies
    }

    private static String jacksonOrNull(byte[] body) {
        try {
            return jackson(body);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String jackson(byte[] body) throws IOException {
        ByteArrayOutputStream literal = new ByteArrayOutputStream();
        literal.write('"');
        literal.write(body);
        literal.write('"');
        return Json.mapper().readTree(literal.toByteArray()).textValue();
    }
}
