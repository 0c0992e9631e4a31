package io.llmrelay.core.translate;

import static io.llmrelay.core.translate.TestJson.json;
import static io.llmrelay.core.translate.TestJson.q;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.api.Clocks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class OllamaAnswersTest {

    private static final Clocks CLOCKS = new Clocks(Clock.fixed(Instant.parse("2025-07-07T20:22:19.5Z"), ZoneOffset.UTC), () -> 0);

    @Test
    void chatLoadStreamsOneDoneLine() {
        assertThat(load("{'model':'llama3.2','messages':[]}", true)).isEqualTo(q("{'model':'llama3.2',"
                + "'created_at':'2025-07-07T20:22:19.5Z','message':{'role':'assistant','content':''},'done':true,"
                + "'done_reason':'load'}") + "\n");
    }

    @Test
    void chatUnloadWithoutStreamingIsOneObject() {
        assertThat(load("{'model':'llama3.2','messages':[],'keep_alive':0,'stream':false}", true)).isEqualTo(q(
                "{'model':'llama3.2','created_at':'2025-07-07T20:22:19.5Z','message':{'role':'assistant','content':''},"
                + "'done':true,'done_reason':'unload'}"));
    }

    @Test
    void generateLoadAndUnloadUseResponse() {
        assertThat(load("{'model':'Qwen/Qwen3-8B','prompt':''}", false)).isEqualTo(q("{'model':'Qwen/Qwen3-8B',"
                + "'created_at':'2025-07-07T20:22:19.5Z','response':'','done':true,'done_reason':'load'}") + "\n");
        assertThat(load("{'model':'m','keep_alive':'0s','stream':false}", false)).isEqualTo(q("{'model':'m',"
                + "'created_at':'2025-07-07T20:22:19.5Z','response':'','done':true,'done_reason':'unload'}"));
    }

    private static String load(String body, boolean chat) {
        InferenceRequest r = chat ? OllamaRequests.chat(json(body)) : OllamaRequests.generate(json(body));
        assertThat(r.loadOnly()).isTrue();
        ByteBuf out = OllamaAnswers.load(r, CLOCKS, ByteBufAllocator.DEFAULT);
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }
}
