package io.llmrelay.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ErrorBodiesTest {

    @Test
    void ollamaBodyIsAnErrorString() {
        assertThat(text(ErrorBodies.body(ByteBufAllocator.DEFAULT, ClientApi.OLLAMA, 404, "model 'x' not found")))
                .isEqualTo("{\"error\":\"model 'x' not found\"}");
    }

    @Test
    void openAiBodyIsAnErrorObject() {
        assertThat(text(ErrorBodies.body(ByteBufAllocator.DEFAULT, ClientApi.OPENAI, 400, "bad \"input\"")))
                .isEqualTo("{\"error\":{\"message\":\"bad \\\"input\\\"\",\"type\":\"invalid_request_error\","
                        + "\"param\":null,\"code\":null}}");
    }

    @Test
    void anOpenAi401SaysInvalidApiKeyAsOpenAiDoes() {
        assertThat(text(ErrorBodies.body(ByteBufAllocator.DEFAULT, ClientApi.OPENAI, 401, "invalid API key")))
                .isEqualTo("{\"error\":{\"message\":\"invalid API key\",\"type\":\"authentication_error\","
                        + "\"param\":null,\"code\":\"invalid_api_key\"}}");
        assertThat(ErrorBodies.openAiCode(403)).isNull();
    }

    @Test
    void ollamaStreamTerminatorIsOneNdjsonLine() {
        assertThat(text(ErrorBodies.streamTerminator(ByteBufAllocator.DEFAULT, ClientApi.OLLAMA, 502, "backend error: x\ny")))
                .isEqualTo("{\"error\":\"backend error: x\\ny\"}\n");
    }

    @Test
    void openAiStreamTerminatorIsOneSseEvent() {
        assertThat(text(ErrorBodies.streamTerminator(ByteBufAllocator.DEFAULT, ClientApi.OPENAI, 502, "gone")))
                .isEqualTo("data: {\"error\":{\"message\":\"gone\",\"type\":\"api_error\",\"param\":null,\"code\":null}}\n\n");
    }

    @Test
    void longAndNonAsciiMessagesFit() {
        String message = "\u00e9\u2713".repeat(5000);
        assertThat(text(ErrorBodies.body(ByteBufAllocator.DEFAULT, ClientApi.OLLAMA, 500, message)))
                .isEqualTo("{\"error\":\"" + message + "\"}");
    }

    @ParameterizedTest
    @CsvSource({
        "400, invalid_request_error", "413, invalid_request_error", "422, invalid_request_error",
        "401, authentication_error", "403, permission_error", "404, not_found_error", "429, rate_limit_error",
        "500, api_error", "502, api_error", "503, api_error", "504, api_error", "499, api_error"})
    void openAiTypeFollowsTheStatus(int status, String type) {
        assertThat(ErrorBodies.openAiType(status)).isEqualTo(type);
    }

    private static String text(ByteBuf buf) {
        try {
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            buf.release();
        }
    }
}
