package io.llmrelay.server.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.balance.StickyKeys;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading what routing needs from a body that is forwarded as bytes: the model's place, the sticky opening. */
class RequestBodiesTest {

    private static ByteBuf body(String json) {
        return Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
    }

    @Test
    void theModelValuesByteRangeCoversItsJsonStringExactly() {
        String json = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"é\"}], \"model\" : \"demo:latest\",\"n\":1}";
        ByteBuf buf = body("xx" + json).skipBytes(2); // the range counts from the reader index
        try {
            RequestBodies.ModelField field = RequestBodies.scan(buf).model();
            assertThat(field.model()).isEqualTo("demo:latest");
            String range = buf.toString(buf.readerIndex() + field.start(), field.end() - field.start(), StandardCharsets.UTF_8);
            assertThat(range).isEqualTo("\"demo:latest\"");
        } finally {
            buf.release();
        }
    }

    /** Small bodies are read from a copy in an array, large ones through a stream: the same offsets either way. */
    @Test
    void theRangeIsTheSameForABodyReadFromAnArrayAndOneReadAsAStream() {
        for (int size : new int[] {10, 16 * 1024 - 200, 16 * 1024 + 10, 100_000}) {
            String json = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(size)
                    + "\"},{\"role\":\"user\",\"images\":[\"a\",\"b\"]}],\"model\":\"demo:latest\"}";
            ByteBuf buf = Unpooled.directBuffer().writeBytes("yyy".getBytes(StandardCharsets.UTF_8))
                    .writeBytes(json.getBytes(StandardCharsets.UTF_8)).skipBytes(3);
            try {
                RequestBodies.Shape shape = RequestBodies.scan(buf);
                RequestBodies.ModelField field = shape.model();
                assertThat(buf.toString(buf.readerIndex() + field.start(), field.end() - field.start(),
                        StandardCharsets.UTF_8)).as("size %d", size).isEqualTo("\"demo:latest\"");
                assertThat(shape.messages()).isEqualTo(2);
                assertThat(shape.images()).isEqualTo(2);
                assertThat(buf.readerIndex()).as("the body is left as it was").isEqualTo(3);
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void noModelStringMeansNoField() {
        for (String json : new String[] {"{\"messages\":[]}", "{\"model\":7}", "[1]", "", "{\"model\":"}) {
            ByteBuf buf = body(json);
            assertThat(RequestBodies.scan(buf).model()).as(json).isNull();
            buf.release();
        }
    }

    @Test
    void theScanCountsMessagesAndTheirImagesInEitherApisShape() {
        ByteBuf openAi = body("{\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"look\"},{\"image_url\":{\"url\":\"data:x\"},\"type\":\"image_url\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"y\"}}]}],\"model\":\"m\"}");
        ByteBuf ollama = body("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\",\"images\":[\"aGk=\",\"aGk=\"]},"
                + "{\"role\":\"assistant\",\"content\":\"b\"},{\"role\":\"user\",\"content\":\"c\",\"images\":[\"aGk=\"]}]}");
        ByteBuf generate = body("{\"model\":\"m\",\"prompt\":\"p\",\"images\":[\"aGk=\"]}");
        try {
            assertThat(RequestBodies.scan(openAi)).extracting(s -> s.model().model(), RequestBodies.Shape::messages,
                    RequestBodies.Shape::images).containsExactly("m", 2, 2);
            assertThat(RequestBodies.scan(ollama)).extracting(RequestBodies.Shape::messages, RequestBodies.Shape::images)
                    .containsExactly(3, 3);
            assertThat(RequestBodies.scan(generate)).extracting(RequestBodies.Shape::messages, RequestBodies.Shape::images)
                    .containsExactly(0, 1);
        } finally {
            openAi.release();
            ollama.release();
            generate.release();
        }
    }

    @Test
    void jsonBeyondTheParsersLimitsIsRefusedWithItsReason() {
        ByteBuf deep = body("{\"model\":\"m\",\"x\":" + "[".repeat(300) + "]".repeat(300) + "}");
        ByteBuf number = body("{\"model\":\"m\",\"temperature\":" + "9".repeat(2000) + "}");
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> RequestBodies.scan(deep))
                    .isInstanceOfSatisfying(io.llmrelay.core.api.RelayException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.refusal()).isEqualTo(io.llmrelay.core.metrics.Refusal.JSON_TOO_DEEP);
                    });
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> RequestBodies.scan(number))
                    .isInstanceOfSatisfying(io.llmrelay.core.api.RelayException.class,
                            e -> assertThat(e.refusal()).isEqualTo(io.llmrelay.core.metrics.Refusal.JSON_NUMBER_TOO_LONG));
        } finally {
            deep.release();
            number.release();
        }
    }

    @Test
    void theOpeningOfAnOpenAiChatIsItsSystemAndFirstUserMessage() {
        ByteBuf a = body("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}]},{\"role\":\"assistant\",\"content\":\"x\"}]}");
        ByteBuf b = body("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Hi\"}]}");
        ByteBuf other = body("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
        try {
            long key = RequestBodies.openAiPrefixKey(a);
            assertThat(key).isNotZero().isEqualTo(RequestBodies.openAiPrefixKey(b))
                    .isEqualTo(StickyKeys.prefix("Be brief.", "Hi"));
            assertThat(RequestBodies.openAiPrefixKey(other)).isNotEqualTo(key);
        } finally {
            a.release();
            b.release();
            other.release();
        }
    }

    @Test
    void aCompletionsPromptIsItsOpeningAndGarbageHasNone() {
        ByteBuf prompt = body("{\"model\":\"m\",\"prompt\":\"Once upon\"}");
        ByteBuf garbage = body("{not json");
        try {
            assertThat(RequestBodies.openAiPrefixKey(prompt)).isEqualTo(StickyKeys.prefix(null, "Once upon"));
            assertThat(RequestBodies.openAiPrefixKey(garbage)).isZero();
        } finally {
            prompt.release();
            garbage.release();
        }
    }
}
