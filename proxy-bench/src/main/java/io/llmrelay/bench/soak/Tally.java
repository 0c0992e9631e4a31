package io.llmrelay.bench.soak;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrelay.core.json.Json;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The soak's account of one phase: every request's outcome (judged by {@link AnswerCheck}, a
 * malformed pass-through answer set against the fault timeline of the backend that sent it),
 * failovers, the reasons of the failures, and a few examples of each bad outcome.
 *
 * <p>Confined to the client's loop while the phase runs; read once it is over.
 */
final class Tally {

    private static final int EXAMPLES = 5;
    private static final int REASONS = 40;

    private final Map<String, FaultTimeline> timelines;
    private final long[] outcomes = new long[Outcome.values().length];
    private final Map<RequestKind, long[]> byKind = new EnumMap<>(RequestKind.class);
    private final Map<Integer, Long> attempts = new TreeMap<>();
    private final Map<String, Long> passedThrough = new TreeMap<>();
    private final Map<String, Long> failureReasons = new TreeMap<>();
    private final Map<Outcome, List<ObjectNode>> examples = new EnumMap<>(Outcome.class);
    private final long[] slowestNanos = new long[Outcome.values().length];
    private long failovers;
    private long total;

    Tally(Map<String, FaultTimeline> timelines) {
        this.timelines = timelines;
    }

    void record(SoakClient.Finished f) {
        AnswerCheck.Verdict v = f.ending() != null ? new AnswerCheck.Verdict(f.ending(), f.note(), null)
                : AnswerCheck.check(f.request(), f.answer());
        Answer a = f.answer();
        String backend = a != null ? a.backend() : null;
        if (v.outcome() == Outcome.MALFORMED && v.explainedBy() != null && f.request().kind().passThrough()
                && backend != null && timelines.containsKey(backend)
                && timelines.get(backend).mayHaveHad(v.explainedBy(), f.sentNanos(), f.endedNanos())) {
            v = new AnswerCheck.Verdict(Outcome.PASSED_THROUGH, v.reason(), v.explainedBy());
            passedThrough.merge(v.explainedBy(), 1L, Long::sum);
        }
        Outcome o = v.outcome();
        total++;
        outcomes[o.ordinal()]++;
        byKind.computeIfAbsent(f.request().kind(), k -> new long[Outcome.values().length])[o.ordinal()]++;
        slowestNanos[o.ordinal()] = Math.max(slowestNanos[o.ordinal()], f.endedNanos() - f.sentNanos());
        if (a != null && a.attempts() > 0) {
            attempts.merge(a.attempts(), 1L, Long::sum);
            if (a.attempts() > 1) {
                failovers++;
            }
        }
        if (o == Outcome.FAILED_WELL_FORMED || o == Outcome.CUT_OFF) {
            String reason = v.reason() == null ? "?" : v.reason().replaceAll("[0-9]+", "N");
            if (failureReasons.containsKey(reason) || failureReasons.size() < REASONS) {
                failureReasons.merge(reason, 1L, Long::sum);
            } else {
                failureReasons.merge("(other reasons)", 1L, Long::sum);
            }
        }
        if (o != Outcome.COMPLETED && o != Outcome.DISCONNECTED && o != Outcome.FAILED_WELL_FORMED) {
            List<ObjectNode> kept = examples.computeIfAbsent(o, k -> new ArrayList<>());
            if (kept.size() < EXAMPLES) {
                kept.add(example(f, v, backend));
            }
        }
    }

    private ObjectNode example(SoakClient.Finished f, AnswerCheck.Verdict v, String backend) {
        ObjectNode e = Json.NODES.objectNode();
        SoakRequest r = f.request();
        e.put("request", r.number());
        e.put("route", r.kind().label());
        e.put("body", new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
        if (r.disconnect() != null) {
            e.put("disconnect_plan", r.disconnect().toString());
        }
        e.put("reason", v.reason());
        e.put("ms", (f.endedNanos() - f.sentNanos()) / 1_000_000);
        Answer a = f.answer();
        if (a != null) {
            e.put("status", a.status());
            e.put("content_type", a.contentType());
            e.put("backend", a.backend());
            e.put("attempts", a.attempts());
            e.put("request_id", a.requestId());
            e.put("connection", f.note());
            e.put("bytes", a.body().length);
            e.put("answer_start", a.excerpt(400));
            if (a.body().length > 400) {
                e.put("answer_end", a.tail(400));
            }
        }
        ArrayNode faults = e.putArray("backend_faults_meanwhile");
        timelines.forEach((name, t) -> {
            if (backend == null || name.equals(backend)) {
                faults.add(name + ": " + String.join(" -> ", t.modesBetween(f.sentNanos(), f.endedNanos())));
            }
        });
        ArrayNode around = e.putArray("fault_switches_around");
        timelines.forEach((name, t) -> around.add(name + ": " + t.around(f.sentNanos(), 5_000_000_000L)));
        return e;
    }

    long total() {
        return total;
    }

    long count(Outcome o) {
        return outcomes[o.ordinal()];
    }

    long failovers() {
        return failovers;
    }

    List<ObjectNode> examples(Outcome o) {
        return examples.getOrDefault(o, List.of());
    }

    /** Bad for a pass: malformed or hung answers. */
    long bad() {
        return count(Outcome.MALFORMED) + count(Outcome.HUNG);
    }

    ObjectNode json() {
        ObjectNode o = Json.NODES.objectNode();
        o.put("sent", total);
        for (Outcome outcome : Outcome.values()) {
            o.put(outcome.key(), count(outcome));
        }
        o.put("failovers", failovers);
        ObjectNode att = o.putObject("attempts");
        attempts.forEach((n, c) -> att.put(Integer.toString(n), c));
        ObjectNode slow = o.putObject("slowest_ms");
        for (Outcome outcome : Outcome.values()) {
            if (count(outcome) > 0) {
                slow.put(outcome.key(), slowestNanos[outcome.ordinal()] / 1_000_000);
            }
        }
        ObjectNode kinds = o.putObject("by_route");
        byKind.forEach((kind, counts) -> {
            ObjectNode k = kinds.putObject(kind.label());
            for (Outcome outcome : Outcome.values()) {
                if (counts[outcome.ordinal()] > 0) {
                    k.put(outcome.key(), counts[outcome.ordinal()]);
                }
            }
        });
        ObjectNode passed = o.putObject("passed_through_by_fault");
        passedThrough.forEach(passed::put);
        ObjectNode reasons = o.putObject("failure_reasons");
        failureReasons.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> reasons.put(e.getKey(), e.getValue()));
        ObjectNode ex = o.putObject("examples");
        examples.forEach((outcome, list) -> {
            ArrayNode arr = ex.putArray(outcome.key());
            list.forEach(arr::add);
        });
        return o;
    }
}
