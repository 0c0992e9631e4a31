package io.llmrelay.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One reading of llm-relay's {@code llm_relay_proxy_overhead_seconds} histogram for one route,
 * taken from {@code /metrics} with a plain HTTP client (from the generator's main thread, never
 * its event loop). Two readings bracket a measured window; their difference is what the proxy
 * says it spent on the requests that finished in it.
 */
public final class OverheadScrape {

    private static final String FAMILY = "llm_relay_proxy_overhead_seconds";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final double sumSeconds;
    final long count;
    /** Upper bounds (seconds) and cumulative counts of the buckets, in exposition order. */
    final List<double[]> buckets;

    private OverheadScrape(double sumSeconds, long count, List<double[]> buckets) {
        this.sumSeconds = sumSeconds;
        this.count = count;
        this.buckets = buckets;
    }

    /** Reads the histogram of {@code route}; null when /metrics cannot be read. */
    static OverheadScrape read(URI metrics, String route) {
        String text = fetch(metrics);
        return text == null ? null : parse(text, route);
    }

    /** The exposition text of {@code /metrics}, or null when it cannot be read. */
    public static String fetch(URI metrics) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * The sum of every sample named exactly {@code sample} (any labels), e.g. a counter such as
     * {@code llm_relay_log_lines_dropped_total}; NaN when the exposition has no such sample. A selector
     * such as {@code llm_relay_backend_attempts_total{backend="mock-1"}} sums only the samples whose
     * labels include each pair given (the others, e.g. {@code outcome}, any value).
     */
    public static double sum(String text, String sample) {
        String name = sample;
        List<String> wanted = new ArrayList<>();
        int brace = sample.indexOf('{');
        if (brace >= 0 && sample.endsWith("}")) {
            name = sample.substring(0, brace);
            for (String pair : sample.substring(brace + 1, sample.length() - 1).split(",")) {
                if (!pair.isBlank()) {
                    wanted.add(pair.trim());
                }
            }
        }
        double total = 0;
        boolean any = false;
        for (String line : text.split("\n")) {
            if (!line.startsWith(name) || line.length() <= name.length()) {
                continue;
            }
            char next = line.charAt(name.length());
            if (next != '{' && next != ' ') {
                continue; // a longer name sharing the prefix
            }
            int valueAt = next == '{' ? line.lastIndexOf('}') + 1 : name.length();
            if (!wanted.isEmpty() && (next != '{' || !hasLabels(line.substring(name.length() + 1, valueAt - 1), wanted))) {
                continue;
            }
            String[] parts = line.substring(valueAt).trim().split("\\s+");
            try {
                total += Double.parseDouble(parts[0]);
                any = true;
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return any ? total : Double.NaN;
    }

    /**
     * Whether the exposition declares the family of {@code sample} ({@code # TYPE name ...}): a labelled
     * series that is not there yet has simply not been counted (0), rather than not exported.
     */
    static boolean declares(String text, String sample) {
        int brace = sample.indexOf('{');
        String name = brace >= 0 ? sample.substring(0, brace) : sample;
        return text.contains("# TYPE " + name + " ");
    }

    /** Whether a sample's labels ({@code a="x",b="y"}, as llm-relay writes them) include every {@code k="v"} wanted. */
    private static boolean hasLabels(String labels, List<String> wanted) {
        String all = "," + labels + ",";
        for (String w : wanted) {
            if (!all.contains("," + w + ",")) {
                return false;
            }
        }
        return true;
    }

    static OverheadScrape parse(String text, String route) {
        String label = "route=\"" + route + "\"";
        double sum = 0;
        long count = 0;
        List<double[]> buckets = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith(FAMILY) || !line.contains(label)) {
                continue;
            }
            double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            if (line.startsWith(FAMILY + "_sum{")) {
                sum = value;
            } else if (line.startsWith(FAMILY + "_count{")) {
                count = (long) value;
            } else if (line.startsWith(FAMILY + "_bucket{")) {
                int le = line.indexOf("le=\"") + 4;
                String bound = line.substring(le, line.indexOf('"', le));
                buckets.add(new double[] {bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound), value});
            }
        }
        return new OverheadScrape(sum, count, buckets);
    }

    /** Requests finished between {@code before} and this reading. */
    long countSince(OverheadScrape before) {
        return count - before.count;
    }

    /** Mean overhead in µs of the requests finished since {@code before}. */
    double meanMicrosSince(OverheadScrape before) {
        long n = countSince(before);
        return n == 0 ? 0 : (sumSeconds - before.sumSeconds) * 1e6 / n;
    }

    /**
     * The q-quantile in µs of the requests finished since {@code before}, interpolated linearly
     * inside its bucket as Prometheus's {@code histogram_quantile} does.
     */
    double quantileMicrosSince(OverheadScrape before, double q) {
        long n = countSince(before);
        if (n == 0 || buckets.size() != before.buckets.size()) {
            return 0;
        }
        double rank = q * n;
        double lowerBound = 0;
        double lowerCount = 0;
        for (int i = 0; i < buckets.size(); i++) {
            double bound = buckets.get(i)[0];
            double cumulative = buckets.get(i)[1] - before.buckets.get(i)[1];
            if (cumulative >= rank) {
                if (Double.isInfinite(bound)) {
                    return lowerBound * 1e6;
                }
                double inBucket = cumulative - lowerCount;
                double fraction = inBucket == 0 ? 0 : (rank - lowerCount) / inBucket;
                return (lowerBound + (bound - lowerBound) * fraction) * 1e6;
            }
            lowerBound = bound;
            lowerCount = cumulative;
        }
        return lowerBound * 1e6;
    }
}
