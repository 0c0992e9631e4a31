package io.llmrelay.core.translate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrelay.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one OpenAI chat or completions object (a stream chunk or a whole non-streamed answer) with a
 * streaming parser, keeping only choice 0. Understands {@code delta} and {@code message} (chat),
 * {@code text} (completions), {@code reasoning_content} and {@code reasoning} (vLLM, OpenRouter),
 * tool-call fragments, both logprobs shapes, {@code usage}, and an {@code error} member.
 * One instance per stream, used on one thread.
 */
final class OpenAiChunkDecoder {

    /**
     * One non-blocking parser per thread, fed event after event from whichever stream the thread is
     * translating: every event is a whole root value, so between two events the parser is back at
     * the root, and a parser per stream would only hold memory (its buffers and symbol table, about
     * 4 KB, for as long as the stream lasts: 40 MB for 10,000 slow streams). Creating one per event
     * would cost more than parsing it. A parser that failed is never reused.
     */
    private static final class Shared {
        JsonParser parser;
        ByteArrayFeeder feeder;
    }

    private static final ThreadLocal<Shared> SHARED = ThreadLocal.withInitial(Shared::new);

    /** What starts an object when the repeated head of an event is not parsed again. */
    private static final byte[] OPEN_OBJECT = {'{'};
    private static final byte[] CHOICES_NAME = "\"choices\"".getBytes(StandardCharsets.US_ASCII);
    /** A longer head is not kept: it would cost a stream's memory for a server no one runs. */
    private static final int MAX_HEAD = 512;
    /** Nor a longer template: a token event is 150-400 bytes. */
    private static final int MAX_TEMPLATE = 1024;

    /**
     * Bytes of this stream's last fully parsed event: its first {@link #headLength} bytes are the
     * head, and when {@link #templateLength} is set, all of it is the template.
     *
     * <p>The head is what came before its {@code "choices"} name, when none of the members there
     * was one this decoder keeps (OpenAI and vLLM repeat the same id, object, created, model and
     * fingerprint on every event: about two thirds of a token event). An event starting with the
     * same bytes followed by {@code "choices"} parses exactly as its tail after an opening brace
     * would, so only the tail is fed.
     *
     * <p>The template is the whole event when it said nothing but its content string: a token event.
     * The next events of a stream are mostly the same bytes around another string; one that is
     * byte for byte the template before and after its content literal says exactly what the
     * template said with that literal's text as content, so it is not parsed at all.
     */
    private byte[] kept;
    private int headLength = -1;
    private int templateLength = -1;
    /** The template's content literal: its first byte after the opening quote, and its closing quote. */
    private int contentStart;
    private int contentEnd;
    /** Where the content assigned last was, in the parser's input offsets (-1: not a string). */
    private long contentQuote = -1;
    private long contentAfter = -1;
    /** Events given to the parser, for tests: those read from the template are not. */
    private long parsedEvents;

    /** Decodes one complete JSON object ({@code data[offset..offset+length)}) into {@code out}. */
    void decode(byte[] data, int offset, int length, ChatDelta out) throws IOException {
        out.reset();
        if (templateLength >= 0 && fromTemplate(data, offset, length, out)) {
            return;
        }
        parsedEvents++;
        Shared shared = SHARED.get();
        JsonParser p = parser(shared);
        try {
            boolean learn = !repeatsHead(data, offset, length);
            long start = p.currentLocation().getByteOffset();
            // the event's offset of a byte fed at parser offset x is x - base
            long base = learn ? start : start - headLength + OPEN_OBJECT.length;
            templateLength = -1;
            contentQuote = -1;
            if (learn) {
                headLength = -1;
                shared.feeder.feedInput(data, offset, offset + length);
            } else {
                shared.feeder.feedInput(OPEN_OBJECT, 0, 1);
            }
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("expected a JSON object");
            }
            if (!learn) {
                shared.feeder.feedInput(data, offset + headLength, offset + length);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                if (learn) {
                    learn = learnHead(field, data, offset, length, p.currentLocation().getByteOffset() - start);
                }
                JsonToken value = p.nextToken();
                switch (field) {
                    case "choices":
                        if (value == JsonToken.START_ARRAY) {
                            choices(p, out);
                        } else {
                            skip(p);
                        }
                        break;
                    case "usage":
                        if (value == JsonToken.START_OBJECT) {
                            usage(p, out);
                        } else {
                            skip(p);
                        }
                        break;
                    case "error":
                        out.error = errorMessage(p, value);
                        break;
                    default:
                        skip(p);
                        break;
                }
            }
            // a truncated event leaves the parser waiting for input; a whole one ends at the root
            if (p.currentToken() != JsonToken.END_OBJECT || !p.getParsingContext().inRoot()) {
                throw new IOException("incomplete JSON object");
            }
            if (p.nextToken() != JsonToken.NOT_AVAILABLE) {
                throw new IOException("unexpected content after the JSON object");
            }
            learnTemplate(data, offset, length, out, base);
        } catch (IOException e) {
            discard(shared);
            forget(); // what was learnt from a broken event is not trusted
            throw e;
        } catch (RuntimeException e) { // e.g. a tree read over a truncated value
            discard(shared);
            forget();
            throw new IOException("unreadable JSON: " + e.getMessage(), e);
        }
    }

    private void forget() {
        headLength = -1;
        templateLength = -1;
    }

    /**
     * Reads an event that is the template around another content literal; false (nothing read)
     * when it is not, or when the literal is anything but a plain, valid JSON string.
     */
    private boolean fromTemplate(byte[] data, int offset, int length, ChatDelta out) {
        int after = templateLength - contentEnd; // the closing quote and everything after it
        int start = offset + contentStart;
        int end = offset + length - after;
        if (end < start
                || !Arrays.equals(data, offset, start, kept, 0, contentStart)
                || !Arrays.equals(data, end, offset + length, kept, contentEnd, templateLength)) {
            return false;
        }
        String content = JsonStringBody.decode(data, start, end);
        if (content == null) {
            return false;
        }
        out.content = content;
        return true;
    }

    /** Keeps the event just parsed whole as the template when all it said was its content. */
    private void learnTemplate(byte[] data, int offset, int length, ChatDelta out, long base) {
        if (contentQuote < 0 || !out.onlyContent() || length > MAX_TEMPLATE) {
            return;
        }
        // Jackson's non-blocking parser places a string token just after its opening quote. Its
        // offsets are a hint, checked against the bytes: a range between quotes whose text is the
        // content read is that literal (a shorter one would read less, a longer one hold a bare quote).
        long closing = contentAfter - base - 1;
        long quote = contentQuote - base - 1;
        if (quote >= 0 && quote < length && data[offset + (int) quote] != '"') {
            quote++;
        }
        if (quote < 0 || closing <= quote || closing >= length
                || data[offset + (int) quote] != '"' || data[offset + (int) closing] != '"'
                || !out.content.equals(JsonStringBody.decode(data, offset + (int) quote + 1, offset + (int) closing))) {
            return;
        }
        keep(data, offset, length);
        contentStart = (int) quote + 1;
        contentEnd = (int) closing;
        templateLength = length;
    }

    /** Copies the event's first {@code n} bytes into {@link #kept} (a head is always a prefix of them). */
    private void keep(byte[] data, int offset, int n) {
        if (kept == null || kept.length < n) {
            kept = new byte[Math.max(n, 64)];
        }
        System.arraycopy(data, offset, kept, 0, n);
    }

    /** The length of the head the next event may skip; -1 when none is kept (for tests). */
    int headLength() {
        return headLength;
    }

    /** Whether a template is kept (for tests). */
    boolean templated() {
        return templateLength >= 0;
    }

    /** How many events went to the parser (for tests). */
    long parsedEvents() {
        return parsedEvents;
    }

    /** Whether the event starts with the kept head and {@code "choices"} follows it. */
    private boolean repeatsHead(byte[] data, int offset, int length) {
        int h = headLength;
        return h >= 0 && length >= h + CHOICES_NAME.length
                && Arrays.equals(data, offset, offset + h, kept, 0, h)
                && Arrays.equals(data, offset + h, offset + h + CHOICES_NAME.length, CHOICES_NAME, 0, CHOICES_NAME.length);
    }

    /**
     * Called with each root member's name (and the event's offset just after it) until it returns
     * false: at {@code "choices"} the bytes before it become the head; a member read before it
     * means there is no head to skip.
     */
    private boolean learnHead(String field, byte[] data, int offset, int length, long nameEnd) {
        if (!field.equals("choices")) {
            return !field.equals("usage") && !field.equals("error");
        }
        int h = (int) nameEnd - CHOICES_NAME.length;
        // an escaped name ("\u0063hoices") is not the plain bytes: no head then
        if (h >= 0 && h <= MAX_HEAD && nameEnd <= length
                && Arrays.equals(data, offset + h, offset + (int) nameEnd, CHOICES_NAME, 0, CHOICES_NAME.length)) {
            keep(data, offset, h);
            headLength = h;
        }
        return false;
    }

    private static JsonParser parser(Shared shared) throws IOException {
        if (shared.parser == null) {
            shared.parser = Json.FACTORY.createNonBlockingByteArrayParser();
            shared.feeder = (ByteArrayFeeder) shared.parser.getNonBlockingInputFeeder();
        }
        return shared.parser;
    }

    /**
     * Skips the value at the parser. Unlike {@code skipChildren}, it stops at the end of the fed
     * input: a truncated event is an error, never a loop.
     */
    private static void skip(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.NOT_AVAILABLE) {
            throw new IOException("incomplete JSON object");
        }
        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
            return;
        }
        for (int open = 1; open > 0; ) {
            JsonToken next = p.nextToken();
            if (next == null || next == JsonToken.NOT_AVAILABLE) {
                throw new IOException("incomplete JSON object");
            }
            if (next.isStructStart()) {
                open++;
            } else if (next.isStructEnd()) {
                open--;
            }
        }
    }

    private static void discard(Shared shared) {
        try {
            shared.parser.close();
        } catch (IOException ignored) {
            // nothing to release that close did not
        }
        shared.parser = null;
        shared.feeder = null;
    }

    private void choices(JsonParser p, ChatDelta out) throws IOException {
        boolean first = true;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null && t != JsonToken.NOT_AVAILABLE;
                t = p.nextToken()) {
            if (t == JsonToken.START_OBJECT && first) {
                choice(p, out);
                first = false;
            } else {
                skip(p); // Ollama answers have one choice (n > 1 is not forwarded); nulls carry nothing
            }
        }
    }

    private void choice(JsonParser p, ChatDelta out) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "delta":
                case "message":
                    if (value == JsonToken.START_OBJECT) {
                        delta(p, out);
                    } else {
                        skip(p);
                    }
                    break;
                case "text":
                    out.content = content(p, value);
                    break;
                case "finish_reason":
                    out.finishReason = text(p, value);
                    break;
                case "stop_reason": // vLLM: the stop string that matched (a number is a stop token id)
                    out.stopSequence = text(p, value);
                    break;
                case "logprobs":
                    if (value == JsonToken.START_OBJECT) {
                        out.logprobs = Logprobs.toOllama((ObjectNode) Json.readTree(p));
                    } else {
                        skip(p);
                    }
                    break;
                default:
                    skip(p);
                    break;
            }
        }
    }

    private void delta(JsonParser p, ChatDelta out) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "content":
                    out.content = content(p, value);
                    break;
                case "reasoning_content":
                case "reasoning":
                    // two names for the same text: servers renaming one to the other send both
                    String thinking = text(p, value);
                    if (thinking != null && (out.thinking == null || out.thinking.isEmpty())) {
                        out.thinking = thinking;
                    }
                    break;
                case "tool_calls":
                    if (value == JsonToken.START_ARRAY) {
                        toolCalls(p, out);
                    } else {
                        skip(p);
                    }
                    break;
                default:
                    skip(p);
                    break;
            }
        }
    }

    private static void toolCalls(JsonParser p, ChatDelta out) throws IOException {
        int position = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.START_OBJECT) {
                skip(p); // a null or stray value in the list carries no call (a truncated list fails here)
                continue;
            }
            int index = position++;
            String id = null;
            String name = null;
            String arguments = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "index":
                        if (value == JsonToken.VALUE_NUMBER_INT) {
                            index = p.getIntValue();
                        }
                        break;
                    case "id":
                        id = text(p, value);
                        break;
                    case "function":
                        if (value != JsonToken.START_OBJECT) {
                            skip(p);
                            break;
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            JsonToken v = p.nextToken();
                            if (f.equals("name")) {
                                name = text(p, v);
                            } else if (f.equals("arguments")) {
                                // some servers send finished calls with arguments as an object
                                arguments = v == JsonToken.START_OBJECT ? Json.write(Json.readTree(p)) : text(p, v);
                            } else {
                                skip(p);
                            }
                        }
                        break;
                    default:
                        skip(p);
                        break;
                }
            }
            out.toolFragments.add(new ChatDelta.ToolFragment(index, id, name, arguments));
        }
    }

    private static void usage(JsonParser p, ChatDelta out) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_NUMBER_INT && field.equals("prompt_tokens")) {
                out.promptTokens = p.getLongValue();
            } else if (value == JsonToken.VALUE_NUMBER_INT && field.equals("completion_tokens")) {
                out.completionTokens = p.getLongValue();
            } else {
                skip(p);
            }
        }
    }

    private static String errorMessage(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        JsonNode error = Json.readTree(p);
        return ErrorMessages.fromErrorMember(error);
    }

    /** As {@link #text}, noting where the literal is (the template is made of the last one read). */
    private String content(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            contentQuote = -1;
            return text(p, value);
        }
        contentQuote = p.currentTokenLocation().getByteOffset();
        String text = p.getText();
        contentAfter = p.currentLocation().getByteOffset();
        return text;
    }

    /** A string value; null for JSON null; anything else is skipped and reads as null. */
    private static String text(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        skip(p);
        return null;
    }
}
