package io.llmrelay.bench.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Switches the backends' faults while the soak runs: every period, the next {@link FaultChoice}
 * through each backend's {@code POST /__fault}, recorded in that backend's {@link FaultTimeline}.
 * Runs on its own thread with a blocking HTTP client (never on the soak client's event loop).
 */
final class FaultSwitcher {

    private final List<URI> controls;
    private final List<FaultTimeline> timelines;
    private final FaultChoice choice;
    private final long oversizeBytes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ScheduledExecutorService thread;

    // ---- written by the switching thread; read after stop()
    private final Map<String, Integer> switchesByMode = new TreeMap<>();
    private int switches;
    private int refused;
    private String lastRefusal;

    /** @param baseUrls each backend's root, e.g. {@code http://127.0.0.1:8101} */
    FaultSwitcher(List<String> baseUrls, List<FaultTimeline> timelines, FaultChoice choice, long oversizeBytes) {
        this.controls = baseUrls.stream().map(u -> URI.create(u + "/__fault")).toList();
        this.timelines = timelines;
        this.choice = choice;
        this.oversizeBytes = oversizeBytes;
    }

    void start(long periodMillis) {
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "soak-faults");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(() -> {
            for (FaultChoice.Plan plan : choice.next()) {
                count(plan, apply(plan));
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Stops switching and clears every backend's fault; a backend that would not take it is an IOException. */
    void stop() throws InterruptedException, IOException {
        if (thread != null) {
            thread.shutdown();
            thread.awaitTermination(30, TimeUnit.SECONDS);
        }
        for (int i = 0; i < controls.size(); i++) {
            String failure = apply(new FaultChoice.Plan(i, FaultChoice.NONE, 0, "inference", 0));
            if (failure != null) {
                throw new IOException("could not clear the fault of " + controls.get(i) + ": " + failure);
            }
        }
    }

    /** Sends the plan; null when the backend took it, else what went wrong. */
    private String apply(FaultChoice.Plan plan) {
        FaultTimeline timeline = timelines.get(plan.backend());
        // entered before it is sent: the backend may apply it, and answers show it, before the POST returns
        int number = timeline.sending(System.nanoTime(), plan.mode());
        String failure = post(controls.get(plan.backend()), plan.json(oversizeBytes));
        // a switch that failed may still have reached the backend: it stays in the timeline
        timeline.answered(number, System.nanoTime());
        return failure;
    }

    private synchronized void count(FaultChoice.Plan plan, String failure) {
        switches++;
        switchesByMode.merge(plan.mode(), 1, Integer::sum);
        if (failure != null) {
            refused++;
            lastRefusal = failure;
        }
    }

    /** Null when the backend took the plan; else what went wrong. */
    private String post(URI control, String body) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(control).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? null : r.statusCode() + " " + r.body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    synchronized int switches() {
        return switches;
    }

    synchronized Map<String, Integer> switchesByMode() {
        return new TreeMap<>(switchesByMode);
    }

    synchronized int refused() {
        return refused;
    }

    synchronized String lastRefusal() {
        return lastRefusal;
    }
}
