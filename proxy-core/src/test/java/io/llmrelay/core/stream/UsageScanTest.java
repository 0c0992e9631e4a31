package io.llmrelay.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The token counts of an answer passed through as bytes, found on every split of the bytes. */
class UsageScanTest {

    private static final String SSE = "data: {\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"prompt_tokens\\\" 7\"}}]}\n\n"
            + "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\" : 12,\"completion_tokens\":\n345,"
            + "\"total_tokens\":357}}\n\ndata: [DONE]\n\n";

    private static UsageScan scan(String text, int... cuts) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        UsageScan scan = new UsageScan();
        int from = 0;
        for (int cut : cuts) {
            feed(scan, bytes, from, cut);
            from = cut;
        }
        feed(scan, bytes, from, bytes.length);
        return scan;
    }

    private static void feed(UsageScan scan, byte[] bytes, int from, int to) {
        ByteBuf piece = Unpooled.wrappedBuffer(bytes, from, to - from);
        scan.feed(piece);
        piece.release();
    }

    @Test
    void theCountsAreFoundWhereverTheBytesAreCut() {
        int length = SSE.getBytes(StandardCharsets.UTF_8).length;
        for (int cut = 0; cut <= length; cut++) {
            UsageScan s = scan(SSE, cut);
            assertThat(s.promptTokens()).as("cut at %d", cut).isEqualTo(12);
            assertThat(s.completionTokens()).as("cut at %d", cut).isEqualTo(345);
        }
        UsageScan bytewise = scan(SSE, java.util.stream.IntStream.range(1, length).toArray());
        assertThat(bytewise.completionTokens()).isEqualTo(345);
    }

    @Test
    void aResponsesStreamPassedThroughCountsItsFinalUsage() {
        // from a backend serving /v1/responses natively: null usage first, the details objects beside the counts
        String responses = "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"usage\":null}}\n\n"
                + "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"usage\":"
                + "{\"input_tokens\":21,\"input_tokens_details\":{\"cached_tokens\":4},\"output_tokens\":8,"
                + "\"output_tokens_details\":{\"reasoning_tokens\":2},\"total_tokens\":29}}}\n\n";
        int length = responses.getBytes(StandardCharsets.UTF_8).length;
        for (int cut = 0; cut <= length; cut++) {
            UsageScan s = scan(responses, cut);
            assertThat(s.promptTokens()).as("cut at %d", cut).isEqualTo(21);
            assertThat(s.completionTokens()).as("cut at %d", cut).isEqualTo(8);
        }
    }

    @Test
    void aWholeJsonAnswerAndNoUsageAtAll() {
        UsageScan whole = scan("{\"choices\":[],\"usage\":{\"completion_tokens\":5,\"prompt_tokens\":9}}");
        assertThat(whole.promptTokens()).isEqualTo(9);
        assertThat(whole.completionTokens()).isEqualTo(5);
        UsageScan none = scan("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n\"prompt_tokens\":null}");
        assertThat(none.promptTokens()).isEqualTo(-1);
        assertThat(none.completionTokens()).isEqualTo(-1);
    }

    @Test
    void anthropicsAndResponsesInputAndOutputTokensOnEveryCut() {
        // a Messages stream: the input count in message_start, the last counts in message_delta
        String messages = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":"
                + "{\"input_tokens\":9,\"cache_read_input_tokens\":4,\"output_tokens\":0}}}\n\n"
                + "event: content_block_delta\ndata: {\"delta\":{\"text\":\"\\\"output_tokens\\\": 99\"}}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"input_tokens\":9,"
                + "\"output_tokens\":31}}\n\n";
        int length = messages.getBytes(StandardCharsets.UTF_8).length;
        for (int cut = 0; cut <= length; cut++) {
            UsageScan s = scan(messages, cut);
            assertThat(s.promptTokens()).as("cut at %d", cut).isEqualTo(9);
            assertThat(s.completionTokens()).as("cut at %d", cut).isEqualTo(31);
        }
        UsageScan whole = scan("{\"type\":\"message\",\"usage\":{\"input_tokens\":12,\"output_tokens\":3}}");
        assertThat(whole.promptTokens()).isEqualTo(12);
        assertThat(whole.completionTokens()).isEqualTo(3);
    }

    @Test
    void aPieceLargerThanTheScanWindowAndADirectBuffer() {
        // the usage straddles the 8 KiB window the scan copies into, at every offset around it
        for (int pad = 8100; pad < 8200; pad++) {
            String text = "{\"content\":\"" + "x_y ".repeat(pad / 4) + "\"},\"usage\":{\"prompt_tokens\":4321,"
                    + "\"completion_tokens\":765}}";
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            ByteBuf direct = io.netty.buffer.Unpooled.directBuffer(bytes.length).writeBytes(bytes);
            UsageScan s = new UsageScan();
            s.feed(direct);
            direct.release();
            assertThat(s.promptTokens()).as("pad %d", pad).isEqualTo(4321);
            assertThat(s.completionTokens()).as("pad %d", pad).isEqualTo(765);
        }
    }

    @Test
    void blanksAroundTheColonAtACutAndTheLastUsageWins() {
        String first = "data: {\"usage\":{\"prompt_tokens\"" + " ".repeat(90) + ":\n" + " ".repeat(60) + "17,"
                + "\"completion_tokens\":1}}\n\n";
        String text = first + "data: {\"usage\":{\"prompt_tokens\":17,\"completion_tokens\":29}}\n\n";
        int length = text.getBytes(StandardCharsets.UTF_8).length;
        for (int cut = 0; cut <= length; cut++) {
            UsageScan s = scan(text, cut);
            assertThat(s.promptTokens()).as("cut at %d", cut).isEqualTo(17);
            assertThat(s.completionTokens()).as("cut at %d", cut).isEqualTo(29);
        }
        for (int cut = 0; cut + 3 <= length; cut++) {
            UsageScan s = scan(text, cut, cut + 1, cut + 3);
            assertThat(s.completionTokens()).as("cuts at %d", cut).isEqualTo(29);
        }
    }

    @Test
    void keysThatOnlyLookLikeOursAreNotCounted() {
        UsageScan s = scan("{\"xprompt_tokens\":5,\"total_tokens\":6,\"cache_read_input_tokens\":7,"
                + "\"content\":\"say \\\"completion_tokens\\\": 8\",\"output_tokens_details\":{\"x\":9},"
                + "\"prompt_tokens\" \"a\", \"completion_tokens\":-3}");
        assertThat(s.promptTokens()).isEqualTo(-1);
        assertThat(s.completionTokens()).isEqualTo(-1);
    }
}
