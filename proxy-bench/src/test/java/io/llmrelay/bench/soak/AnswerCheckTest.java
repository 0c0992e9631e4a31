package io.llmrelay.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The soak's judge, on answers written as llm-relay and the demo backend write them. */
class AnswerCheckTest {

    private static final String PROMPT = "soak request 7 amber cedar";
    private static final String[] TOKENS = {"Hello! ", "This ", "is ", "the ", "llm-relay ", "demo ", "model. ", "You ",
        "said: ", "\"soak ", "request ", "7 ", "amber ", "cedar\". ", "Start ", "llm-relay ", "with ", "--backend ",
        "URL ", "to ", "talk ", "to ", "a ", "real ", "model."};

    private static SoakRequest request(RequestKind kind) {
        return new SoakRequest(7, kind, kind.embedding() ? "soak-embed" : "soak-a", PROMPT, 0, null);
    }

    private static Answer ok(String contentType, String body) {
        return new Answer(200, contentType, -1, true, body.getBytes(StandardCharsets.UTF_8), "soak-1", 1, "r");
    }

    private static AnswerCheck.Verdict check(RequestKind kind, Answer answer) {
        return AnswerCheck.check(request(kind), answer);
    }

    private static String ndjson(int tokens, String last) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < tokens; i++) {
            b.append("{\"model\":\"soak-a\",\"message\":{\"role\":\"assistant\",\"content\":\"")
                    .append(TOKENS[i].replace("\"", "\\\"")).append("\"},\"done\":false}\n");
        }
        return b.append(last).append('\n').toString();
    }

    private static final String DONE_LINE = "{\"model\":\"soak-a\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true}";

    private static String sse(int tokens, String last) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < tokens; i++) {
            b.append("data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
                    .append(TOKENS[i].replace("\"", "\\\"")).append("\"},\"finish_reason\":null}]}\n\n");
        }
        return b.append(last).append("\n\n").toString();
    }

    @Test
    void theExpectedReplyIsTheDemoBackendsSentence() {
        assertThat(request(RequestKind.OLLAMA_CHAT).expectedText()).isEqualTo(String.join("", TOKENS));
    }

    @Test
    void aCappedReplyIsItsFirstTokens() {
        SoakRequest capped = new SoakRequest(7, RequestKind.OLLAMA_CHAT, "soak-a", PROMPT, 13, null);
        assertThat(capped.expectedText()).isEqualTo(String.join("", java.util.Arrays.copyOf(TOKENS, 13)));
        assertThat(new String(capped.body(), StandardCharsets.UTF_8)).contains("\"options\":{\"num_predict\":13}");
        assertThat(new String(new SoakRequest(7, RequestKind.OPENAI_CHAT, "soak-a", PROMPT, 13, null).body(),
                StandardCharsets.UTF_8)).contains("\"max_tokens\":13");
    }

    @Test
    void anNdjsonStreamEndingDoneWithTheWholeReplyIsComplete() {
        AnswerCheck.Verdict v = check(RequestKind.OLLAMA_CHAT_STREAM,
                ok("application/x-ndjson", ndjson(TOKENS.length, DONE_LINE)));
        assertThat(v.outcome()).as(v.reason()).isEqualTo(Outcome.COMPLETED);
    }

    @Test
    void anNdjsonStreamEndingWithAnErrorLineAfterTheStartOfTheReplyIsAWellFormedFailure() {
        AnswerCheck.Verdict v = check(RequestKind.OLLAMA_CHAT_STREAM,
                ok("application/x-ndjson", ndjson(3, "{\"error\":\"backend soak-1 closed the connection\"}")));
        assertThat(v.outcome()).isEqualTo(Outcome.FAILED_WELL_FORMED);
        assertThat(v.reason()).contains("backend soak-1 closed the connection");
    }

    @Test
    void textThatIsNotTheStartOfTheReplyIsMalformedEvenBeforeAnErrorLine() {
        // the first token twice, as a retry after the first byte would send it
        String twice = ndjson(1, "").strip() + "\n" + ndjson(3, "{\"error\":\"x\"}");
        AnswerCheck.Verdict v = check(RequestKind.OLLAMA_CHAT_STREAM, ok("application/x-ndjson", twice));
        assertThat(v.outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(v.reason()).contains("not the start of this request's reply");
    }

    @Test
    void aStreamCutWithoutItsEndIsMalformedAndAWholeBodyCutIsCutOff() {
        byte[] part = ndjson(3, DONE_LINE).substring(0, 150).getBytes(StandardCharsets.UTF_8);
        assertThat(check(RequestKind.OLLAMA_CHAT_STREAM,
                new Answer(200, "application/x-ndjson", -1, false, part, "soak-1", 1, "r")).outcome())
                .isEqualTo(Outcome.MALFORMED);
        assertThat(check(RequestKind.OPENAI_CHAT,
                new Answer(200, "application/json", 400, false, part, "soak-1", 1, "r")).outcome())
                .isEqualTo(Outcome.CUT_OFF);
    }

    @Test
    void aStreamWhoseEndWasReadButWhoseLastLineIsNotDoneIsMalformed() {
        AnswerCheck.Verdict v = check(RequestKind.OLLAMA_CHAT_STREAM, ok("application/x-ndjson", ndjson(TOKENS.length,
                "{\"model\":\"soak-a\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":false}")));
        assertThat(v.outcome()).isEqualTo(Outcome.MALFORMED);
    }

    @Test
    void anSseStreamEndingWithDoneIsCompleteAndWithAnErrorEventAWellFormedFailure() {
        assertThat(check(RequestKind.OPENAI_CHAT_STREAM, ok("text/event-stream", sse(TOKENS.length, "data: [DONE]")))
                .outcome()).isEqualTo(Outcome.COMPLETED);
        AnswerCheck.Verdict failed = check(RequestKind.OPENAI_CHAT_STREAM, ok("text/event-stream",
                sse(3, "data: {\"error\":{\"message\":\"backend soak-1 sent nothing for 2 s\",\"type\":\"api_error\"}}")));
        assertThat(failed.outcome()).isEqualTo(Outcome.FAILED_WELL_FORMED);
        // an Ollama-shaped error is the wrong shape on an OpenAI route
        assertThat(check(RequestKind.OPENAI_CHAT_STREAM, ok("text/event-stream", sse(3, "data: {\"error\":\"x\"}")))
                .outcome()).isEqualTo(Outcome.MALFORMED);
    }

    @Test
    void anSseEventThatIsNotJsonIsMalformedAndNamesTheFaultThatWritesIt() {
        String broken = sse(3, "data: {\"id\":\"chatcmpl-1\",\"choi") + sse(0, "data: [DONE]");
        AnswerCheck.Verdict v = check(RequestKind.OPENAI_CHAT_STREAM, ok("text/event-stream", broken));
        assertThat(v.outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(v.explainedBy()).isEqualTo(AnswerCheck.MALFORMED_SSE);
    }

    @Test
    void anOversizeEventOfPaddingIsNotReplyText() {
        String padding = "x".repeat(1 << 20);
        String body = sse(3, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + padding + "\"}}]}");
        StringBuilder rest = new StringBuilder();
        for (int i = 3; i < TOKENS.length; i++) {
            rest.append("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
                    .append(TOKENS[i].replace("\"", "\\\"")).append("\"}}]}\n\n");
        }
        AnswerCheck.Verdict v = check(RequestKind.OPENAI_CHAT_STREAM, ok("text/event-stream", body + rest + "data: [DONE]\n\n"));
        assertThat(v.outcome()).as(v.reason()).isEqualTo(Outcome.COMPLETED);
    }

    @Test
    void wholeAnswersOfEachKind() {
        String reply = String.join("", TOKENS).replace("\"", "\\\"");
        assertThat(check(RequestKind.OLLAMA_CHAT, ok("application/json; charset=utf-8",
                "{\"model\":\"soak-a\",\"message\":{\"role\":\"assistant\",\"content\":\"" + reply + "\"},\"done\":true}"))
                .outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(check(RequestKind.OLLAMA_GENERATE, ok("application/json", "{\"response\":\"" + reply + "\",\"done\":true}"))
                .outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(check(RequestKind.OPENAI_CHAT, ok("application/json",
                "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + reply + "\"}}]}"))
                .outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(check(RequestKind.OLLAMA_EMBED, ok("application/json", "{\"embeddings\":[[0.5,-1.0]]}")).outcome())
                .isEqualTo(Outcome.COMPLETED);
        assertThat(check(RequestKind.OPENAI_EMBEDDINGS, ok("application/json",
                "{\"data\":[{\"embedding\":[0.5,-1.0]}]}")).outcome()).isEqualTo(Outcome.COMPLETED);
        // another request's reply
        assertThat(check(RequestKind.OLLAMA_GENERATE, ok("application/json",
                "{\"response\":\"" + reply.replace("request 7", "request 8") + "\",\"done\":true}")).outcome())
                .isEqualTo(Outcome.MALFORMED);
        // half a body, a complete HTTP message
        AnswerCheck.Verdict half = check(RequestKind.OPENAI_CHAT, ok("application/json", "{\"choices\":[{\"index\":0,"));
        assertThat(half.outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(half.explainedBy()).isEqualTo(AnswerCheck.MALFORMED_SSE);
    }

    @Test
    void errorsMustBeInTheRoutesApiShape() {
        Answer ollamaShape = new Answer(502, "application/json", 20, true, "{\"error\":\"backend down\"}".getBytes(),
                null, 3, "r");
        Answer openAiShape = new Answer(503, "application/json", 20, true,
                "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}".getBytes(), null, 2, "r");
        assertThat(check(RequestKind.OLLAMA_CHAT, ollamaShape).outcome()).isEqualTo(Outcome.FAILED_WELL_FORMED);
        assertThat(check(RequestKind.OPENAI_CHAT, openAiShape).outcome()).isEqualTo(Outcome.FAILED_WELL_FORMED);
        assertThat(check(RequestKind.OPENAI_CHAT, ollamaShape).outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(check(RequestKind.OLLAMA_CHAT, openAiShape).outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(check(RequestKind.OLLAMA_CHAT, new Answer(500, "text/html", 5, true, "oops!".getBytes(), null, 1, "r"))
                .outcome()).isEqualTo(Outcome.MALFORMED);
    }

    @Test
    void anHtmlPageForAnApiAnswerNamesTheWrongContentTypeFault() {
        AnswerCheck.Verdict v = check(RequestKind.OPENAI_CHAT, ok("text/html; charset=utf-8", "<!DOCTYPE html><html></html>"));
        assertThat(v.outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(v.explainedBy()).isEqualTo(AnswerCheck.WRONG_CONTENT_TYPE);
    }

    @Test
    void noHeadAtAllIsMalformed() {
        assertThat(check(RequestKind.OLLAMA_CHAT, new Answer(0, null, -1, false, new byte[0], null, 0, null)).outcome())
                .isEqualTo(Outcome.MALFORMED);
    }
}
