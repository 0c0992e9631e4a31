package io.llmrelay.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseFramerTest {

    private record Event(String type, String data) {}

    /** A realistic OpenAI-style stream mixing CRLF, LF and CR line ends, comments, fields and multi-line data. */
    private static final String STREAM = ""
            + ": OPENROUTER PROCESSING\r\n"
            + "\r\n"
            + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\r\n"
            + "\r\n"
            + "event: message\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"h\u00e9llo \u2713\"}}]}\n"
            + "\n"
            + "id: 7\n"
            + "retry: 1000\n"
            + "x-unknown: ignored\n"
            + "data: {\"choices\":\n"
            + ": a comment between data lines\n"
            + "data: [{\"delta\":{\"content\":\"lo\"}}]}\n"
            + "\n"
            + "event: ping\r"
            + "data:no-space\r"
            + "data:  two spaces\r"
            + "data\r"
            + "\r"
            + "\n"
            + "data: [DONE]\n"
            + "\n";

    private static final List<Event> EXPECTED = List.of(
            new Event(null, "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}"),
            new Event("message", "{\"choices\":[{\"delta\":{\"content\":\"h\u00e9llo \u2713\"}}]}"),
            new Event(null, "{\"choices\":\n[{\"delta\":{\"content\":\"lo\"}}]}"),
            new Event("ping", "no-space\n two spaces\n"),
            new Event(null, "[DONE]"));

    @Test
    void framesAWholeStream() {
        assertThat(frame(new SseFramer(4096), bytes(STREAM))).isEqualTo(EXPECTED);
    }

    @Test
    void sameEventsWhateverTwoPiecesTheStreamIsCutInto() {
        byte[] all = bytes(STREAM);
        for (int cut = 0; cut <= all.length; cut++) {
            assertThat(frame(new SseFramer(4096), all, cut)).as("cut at %d", cut).isEqualTo(EXPECTED);
        }
    }

    @Test
    void framersSharingAThreadEachKeepTheirOwnUnfinishedLinesAndEvents() {
        // many streams on one event loop, their pieces interleaved: every cut of one stream against the other's
        byte[] all = bytes(STREAM);
        byte[] other = bytes("data: {\"x\":\"" + "y".repeat(700) + "\"}\n\nevent: e\ndata: 2\n\n");
        List<Event> expectedOther = List.of(new Event(null, "{\"x\":\"" + "y".repeat(700) + "\"}"), new Event("e", "2"));
        for (int cut = 0; cut <= all.length; cut += 3) {
            List<Event> a = new ArrayList<>();
            List<Event> b = new ArrayList<>();
            SseFramer fa = new SseFramer(4096);
            SseFramer fb = new SseFramer(4096);
            SseFramer.Listener la = (type, data, length) -> a.add(event(type, data, length));
            SseFramer.Listener lb = (type, data, length) -> b.add(event(type, data, length));
            int otherCut = Math.min(cut, other.length);
            feed(fa, la, all, 0, cut);
            feed(fb, lb, other, 0, otherCut);
            feed(fa, la, all, cut, all.length);
            feed(fb, lb, other, otherCut, other.length);
            fa.finish(la);
            fb.finish(lb);
            assertThat(a).as("cut at %d", cut).isEqualTo(EXPECTED);
            assertThat(b).as("cut at %d", cut).isEqualTo(expectedOther);
        }
    }

    @Test
    void aListenerThatFramesAnotherStreamMidEventGetsItsOwnArrays() {
        SseFramer inner = new SseFramer(4096);
        List<Event> innerEvents = new ArrayList<>();
        SseFramer.Listener innerListener = (type, data, length) -> innerEvents.add(event(type, data, length));
        List<Event> outerEvents = new ArrayList<>();
        byte[] innerBytes = bytes("data: inner\n\ndata: half");
        SseFramer.Listener outerListener = (type, data, length) -> {
            feed(inner, innerListener, innerBytes, 0, innerBytes.length); // while the outer event's bytes are lent out
            outerEvents.add(event(type, data, length));
        };
        assertThat(frame(new SseFramer(4096), bytes("data: outer\n\ndata: second\n\n"))).hasSize(2);
        SseFramer outer = new SseFramer(4096);
        byte[] outerBytes = bytes("data: outer\n\n");
        feed(outer, outerListener, outerBytes, 0, outerBytes.length);
        byte[] rest = bytes(" done\n\n");
        feed(inner, innerListener, rest, 0, rest.length);
        assertThat(outerEvents).containsExactly(new Event(null, "outer"));
        assertThat(innerEvents).containsExactly(new Event(null, "inner"), new Event(null, "half done"));
    }

    @Test
    void sameEventsWhenFedOneByteAtATime() {
        byte[] all = bytes(STREAM);
        int[] cuts = new int[all.length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        assertThat(frame(new SseFramer(4096), all, cuts)).isEqualTo(EXPECTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void everyLineEndingGivesTheSameEvents(String eol) {
        String stream = "event: a" + eol + "data: 1" + eol + "data: 2" + eol + eol
                + ": c" + eol + "data: 3" + eol + eol;
        byte[] all = bytes(stream);
        for (int cut = 0; cut <= all.length; cut++) {
            assertThat(frame(new SseFramer(256), all, cut)).as("cut at %d", cut)
                    .containsExactly(new Event("a", "1\n2"), new Event(null, "3"));
        }
    }

    @Test
    void crAtTheEndOfAChunkAndLfAtTheStartOfTheNextAreOneLineEnd() {
        // were the LF read as a second line end, it would be a blank line and split the event in two
        List<Event> events = frame(new SseFramer(256), bytes("data: a\r\ndata: b\r\n\r\n"), 8);
        assertThat(events).containsExactly(new Event(null, "a\nb"));
    }

    @Test
    void crLfSplitByAnEmptyChunkIsStillOneLineEnd() {
        SseFramer framer = new SseFramer(256);
        List<Event> events = new ArrayList<>();
        feed(framer, events, "data: a\r");
        feed(framer, events, "");
        feed(framer, events, "\ndata: b\r");
        feed(framer, events, "\n\r\n");
        assertThat(events).containsExactly(new Event(null, "a\nb"));
    }

    @Test
    void crAtTheEndOfAChunkFollowedByTextKeepsTheText() {
        SseFramer framer = new SseFramer(256);
        List<Event> events = new ArrayList<>();
        feed(framer, events, "data: a\r");
        feed(framer, events, "data: b\r\r");
        assertThat(events).containsExactly(new Event(null, "a\nb"));
    }

    @Test
    void eventIsDispatchedOnlyAtItsBlankLine() {
        SseFramer framer = new SseFramer(256);
        List<Event> events = new ArrayList<>();
        feed(framer, events, "data: a\n");
        assertThat(events).isEmpty();
        feed(framer, events, "\n");
        assertThat(events).containsExactly(new Event(null, "a"));
    }

    @Test
    void finishDispatchesAnEventWhoseBlankLineNeverCame() {
        SseFramer framer = new SseFramer(256);
        List<Event> events = new ArrayList<>();
        feed(framer, events, "data: [DONE]\n");
        framer.finish((type, data, length) -> events.add(event(type, data, length)));
        assertThat(events).containsExactly(new Event(null, "[DONE]"));
    }

    @Test
    void finishDispatchesALastLineWithoutLineEnd() {
        SseFramer framer = new SseFramer(256);
        List<Event> events = new ArrayList<>();
        feed(framer, events, "event: last\ndata: x\ndata: y");
        framer.finish((type, data, length) -> events.add(event(type, data, length)));
        assertThat(events).containsExactly(new Event("last", "x\ny"));
    }

    @Test
    void finishWithNothingPendingDispatchesNothing() {
        for (String tail : new String[] {"", "data: a\n\n", "event: e\n", ": comment", "id: 3\n"}) {
            SseFramer framer = new SseFramer(256);
            List<Event> events = new ArrayList<>();
            feed(framer, events, tail);
            events.clear();
            framer.finish((type, data, length) -> events.add(event(type, data, length)));
            assertThat(events).as("after %s", tail).isEmpty();
        }
    }

    @Test
    void eventTypeDoesNotLeakIntoTheNextEvent() {
        List<Event> events = frame(new SseFramer(256), bytes("event: error\n\ndata: a\n\nevent: x\ndata: b\n\ndata: c\n\n"));
        assertThat(events).containsExactly(new Event(null, "a"), new Event("x", "b"), new Event(null, "c"));
    }

    @Test
    void blankLinesWithoutDataDispatchNothing() {
        assertThat(frame(new SseFramer(256), bytes("\n\n\r\n\r\r: keep-alive\n\n"))).isEmpty();
    }

    @Test
    void emptyDataLineMakesAnEmptyEvent() {
        assertThat(frame(new SseFramer(256), bytes("data:\n\ndata\n\n")))
                .containsExactly(new Event(null, ""), new Event(null, ""));
    }

    @Test
    void fieldNamesAreCaseSensitive() {
        assertThat(frame(new SseFramer(256), bytes("Data: a\nDATA: b\ndata: c\n\n"))).containsExactly(new Event(null, "c"));
    }

    @Test
    void readerIndexAndReferenceCountAreLeftAlone() {
        SseFramer framer = new SseFramer(256);
        ByteBuf chunk = ByteBufAllocator.DEFAULT.buffer();
        try {
            chunk.writeBytes(bytes("garbagedata: a\n\n"));
            chunk.readerIndex(7);
            List<Event> events = new ArrayList<>();
            framer.feed(chunk, (type, data, length) -> events.add(event(type, data, length)));
            assertThat(events).containsExactly(new Event(null, "a"));
            assertThat(chunk.readerIndex()).isEqualTo(7);
            assertThat(chunk.refCnt()).isEqualTo(1);
        } finally {
            chunk.release();
        }
    }

    @Test
    void lineAtTheLimitIsAccepted() {
        String payload = "x".repeat(26); // "data: " + 26 bytes = 32
        assertThat(frame(new SseFramer(32), bytes("data: " + payload + "\n\n"))).containsExactly(new Event(null, payload));
    }

    @Test
    void overSizeLineThrows() {
        SseFramer framer = new SseFramer(32);
        List<Event> events = new ArrayList<>();
        assertThatThrownBy(() -> feed(framer, events, "data: " + "x".repeat(27) + "\n\n"))
                .isInstanceOf(FramingException.class)
                .hasMessage("SSE line longer than 32 bytes");
        assertThat(events).isEmpty();
    }

    @Test
    void overSizeLineThrowsEvenWhenItArrivesInPieces() {
        SseFramer framer = new SseFramer(32);
        List<Event> events = new ArrayList<>();
        feed(framer, events, "data: " + "x".repeat(20));
        assertThatThrownBy(() -> feed(framer, events, "x".repeat(20)))
                .isInstanceOf(FramingException.class)
                .hasMessage("SSE line longer than 32 bytes");
    }

    @Test
    void overSizeEventOfManyShortLinesThrows() {
        SseFramer framer = new SseFramer(32);
        List<Event> events = new ArrayList<>();
        String line = "data: " + "y".repeat(12) + "\n";
        assertThatThrownBy(() -> feed(framer, events, line + line + line + "\n"))
                .isInstanceOf(FramingException.class)
                .hasMessage("SSE event larger than 32 bytes");
        assertThat(events).isEmpty();
    }

    @Test
    void largeEventsGrowTheBuffers() {
        String big = "z".repeat(10_000);
        assertThat(frame(new SseFramer(1 << 20), bytes("data: " + big + "\ndata: " + big + "\n\n"), 5000, 12000))
                .containsExactly(new Event(null, big + "\n" + big));
    }

    @Test
    void largeEventsWholeInOneChunkGrowTheBuffersToo() {
        String big = "z".repeat(10_000);
        assertThat(frame(new SseFramer(1 << 20), bytes("data: " + big + "\ndata:" + big + "\n\n")))
                .containsExactly(new Event(null, big + "\n" + big));
    }

    // --- helpers

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Event event(String type, byte[] data, int length) {
        return new Event(type, new String(data, 0, length, StandardCharsets.UTF_8));
    }

    /** Feeds {@code all} cut at {@code cuts} (ascending), then finishes; returns every event. */
    private static List<Event> frame(SseFramer framer, byte[] all, int... cuts) {
        List<Event> events = new ArrayList<>();
        SseFramer.Listener listener = (type, data, length) -> events.add(event(type, data, length));
        int from = 0;
        for (int cut : cuts) {
            feed(framer, listener, all, from, cut);
            from = cut;
        }
        feed(framer, listener, all, from, all.length);
        framer.finish(listener);
        return events;
    }

    private static void feed(SseFramer framer, List<Event> events, String text) {
        byte[] b = bytes(text);
        feed(framer, (type, data, length) -> events.add(event(type, data, length)), b, 0, b.length);
    }

    /** Feeds {@code all[from, to)} in a pooled buffer whose reader index is not zero. */
    private static void feed(SseFramer framer, SseFramer.Listener listener, byte[] all, int from, int to) {
        ByteBuf chunk = ByteBufAllocator.DEFAULT.buffer(3 + to - from);
        try {
            chunk.writeBytes(new byte[] {'#', '#', '#'}).writeBytes(all, from, to - from).skipBytes(3);
            framer.feed(chunk, listener);
        } finally {
            chunk.release();
        }
    }
}
