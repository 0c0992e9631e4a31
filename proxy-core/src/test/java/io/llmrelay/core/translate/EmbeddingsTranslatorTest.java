package io.llmrelay.core.translate;

import static io.llmrelay.core.translate.TestJson.json;
import static io.llmrelay.core.translate.TestJson.parse;
import static io.llmrelay.core.translate.TestJson.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrelay.core.api.Clocks;
import io.llmrelay.core.api.ExchangeTimes;
import io.llmrelay.core.api.RelayException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmbeddingsTranslatorTest {

    private final AtomicLong nanos = new AtomicLong();
    private final Clocks clocks = new Clocks(Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC), nanos::get);
    private ExchangeTimes times;

    private static final String TWO = "{'object':'list','data':["
            + "{'object':'embedding','index':0,'embedding':[3,4]},"
            + "{'object':'embedding','index':1,'embedding':[1.0,2.0,2.0]}],"
            + "'model':'nomic-embed','usage':{'prompt_tokens':5,'total_tokens':5}}";

    @Test
    void vectorsAreNormalisedToFloat32InInputOrderWithMetrics() {
        String out = run(embed("['a','b']"), q(TWO));
        assertThat(out).isEqualTo(q("{'model':'nomic-embed-text','embeddings':[[0.6,0.8],[0.33333334,0.6666667,0.6666667]],"
                + "'total_duration':9000,'load_duration':500,'prompt_eval_count':5}"));
    }

    @Test
    void everyVectorHasUnitLength() {
        StringBuilder v = new StringBuilder("[");
        for (int i = 0; i < 768; i++) {
            v.append(i == 0 ? "" : ",").append(Math.sin(i * 0.37) * 0.05 - 0.01);
        }
        v.append(']');
        String body = "{'data':[{'index':0,'embedding':" + v + "},{'index':1,'embedding':[-1e-5,2e-5]}]}";
        JsonNode out = parse(run(embed("['a','b']"), q(body)));
        for (JsonNode vector : out.path("embeddings")) {
            double sum = 0;
            for (JsonNode x : vector) {
                sum += x.asDouble() * x.asDouble();
            }
            assertThat(Math.sqrt(sum)).isCloseTo(1.0, within(1e-6));
        }
        assertThat(out.path("embeddings").get(0)).hasSize(768);
        assertThat(out.path("prompt_eval_count").asLong()).isZero(); // no usage
    }

    @Test
    void shuffledItemsAreOrderedByIndex() {
        String body = "{'data':[{'index':2,'embedding':[0,0,1]},{'index':0,'embedding':[1,0,0]},{'index':1,'embedding':[0,2,0]}]}";
        JsonNode out = parse(run(embed("['x','y','z']"), q(body)));
        assertThat(out.path("embeddings")).isEqualTo(json("[[1.0,0.0,0.0],[0.0,1.0,0.0],[0.0,0.0,1.0]]"));
    }

    @Test
    void itemsWithoutIndexKeepTheirPosition() {
        JsonNode out = parse(run(embed("['x','y']"), q("{'data':[{'embedding':[2]},{'embedding':[-3]}]}")));
        assertThat(out.path("embeddings")).isEqualTo(json("[[1.0],[-1.0]]"));
    }

    @Test
    void aZeroVectorStaysZero() {
        JsonNode out = parse(run(embed("'x'"), q("{'data':[{'index':0,'embedding':[0,0.0]}]}")));
        assertThat(out.path("embeddings")).isEqualTo(json("[[0.0,0.0]]"));
    }

    @Test
    void legacyEmbeddingsAreOneVectorAsTheBackendGaveIt() {
        EmbedRequest legacy = OllamaRequests.legacyEmbeddings(json("{'model':'e','prompt':'hello'}"));
        assertThat(run(legacy, q("{'data':[{'index':0,'embedding':[3,4,0.125,-0.1]}],'usage':{'prompt_tokens':1}}")))
                .isEqualTo(q("{'embedding':[3.0,4.0,0.125,-0.1]}"));
    }

    @Test
    void theSameAnswerWhenTheBodyArrivesInSmallPieces() {
        byte[] body = q(TWO).getBytes(StandardCharsets.UTF_8);
        String whole = run(embed("['a','b']"), q(TWO));
        for (int step : new int[] {1, 2, 3, 7, 16}) {
            assertThat(runPieces(embed("['a','b']"), body, step)).as("pieces of %d", step).isEqualTo(whole);
        }
    }

    @Test
    void withoutASendTimeLoadDurationIsZero() {
        times = new ExchangeTimes(1_000);
        nanos.set(4_000);
        EmbeddingsTranslator t = new EmbeddingsTranslator(embed("'a'"), times, clocks);
        CollectingOutput out = new CollectingOutput();
        byte[] body = q("{'data':[{'embedding':[1]}]}").getBytes(StandardCharsets.UTF_8);
        CollectingOutput.feed(t, out, body, 0, body.length);
        t.onEnd(out);
        assertThat(out.writes).containsExactly(q("{'model':'nomic-embed-text','embeddings':[[1.0]],'total_duration':3000,"
                + "'load_duration':0,'prompt_eval_count':0}"));
    }

    @Test
    void isOneJsonBody() {
        EmbeddingsTranslator t = new EmbeddingsTranslator(embed("'a'"), new ExchangeTimes(0), clocks);
        assertThat(t.streaming()).isFalse();
        assertThat(t.contentType()).isEqualTo("application/json; charset=utf-8");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{'data':[{'index':0,'embedding':[1]}]}                                   | backend returned 1 embeddings for 2 inputs",
        "{'data':[{'index':0,'embedding':[1]},{'index':1,'embedding':[1]},{'index':2,'embedding':[1]}]} | backend returned 3 embeddings for 2 inputs",
        "{'object':'list'}                                                        | backend embeddings response has no \"data\" array",
        "{'data':{'index':0}}                                                     | backend embeddings response has no \"data\" array",
        "{'data':[{'index':0,'embedding':[1]},{'index':0,'embedding':[2]}]}       | backend embeddings response has a malformed item at 1",
        "{'data':[{'index':0,'embedding':[1]},{'index':2,'embedding':[2]}]}       | backend embeddings response has a malformed item at 1",
        "{'data':[{'index':-1,'embedding':[1]},{'index':1,'embedding':[2]}]}      | backend embeddings response has a malformed item at 0",
        "{'data':[{'index':0,'embedding':[1]},{'index':1}]}                       | backend embeddings response has a malformed item at 1",
        "{'data':[{'index':0,'embedding':'AAAA'},{'index':1,'embedding':[1]}]}    | backend embeddings response has a malformed item at 0",
    })
    void anAnswerThatDoesNotFitTheRequestIs502(String body, String message) {
        assertThatThrownBy(() -> run(embed("['a','b']"), q(body)))
                .isInstanceOf(RelayException.class).hasMessage(message)
                .satisfies(e -> assertThat(((RelayException) e).status()).isEqualTo(502));
    }

    @Test
    void anUnreadableBodyIs502() {
        for (String body : new String[] {"", "{'data':[", "not json", "{} {}"}) {
            assertThatThrownBy(() -> run(embed("'a'"), q(body))).as(body)
                    .isInstanceOf(RelayException.class)
                    .hasMessageStartingWith("backend sent an unreadable embeddings response: ")
                    .satisfies(e -> assertThat(((RelayException) e).status()).isEqualTo(502));
        }
    }

    // ---------------------------------------------------------------- helpers

    private static EmbedRequest embed(String input) {
        return OllamaRequests.embed(json("{'model':'nomic-embed-text','input':" + input + "}"));
    }

    private String run(EmbedRequest request, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return runPieces(request, bytes, Math.max(1, bytes.length));
    }

    private String runPieces(EmbedRequest request, byte[] body, int step) {
        times = new ExchangeTimes(1_000);
        times.upstreamSent = 1_500;
        nanos.set(3_000);
        EmbeddingsTranslator t = new EmbeddingsTranslator(request, times, clocks);
        CollectingOutput out = new CollectingOutput();
        for (int from = 0; from < body.length; from += step) {
            CollectingOutput.feed(t, out, body, from, Math.min(body.length, from + step));
        }
        assertThat(out.writes).isEmpty(); // nothing before the end
        nanos.set(10_000);
        t.onEnd(out);
        assertThat(out.writes).hasSize(1);
        return out.text();
    }
}
