package io.llmrelay.core.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A latency histogram per value of one label (the route), exported as a Prometheus histogram with
 * fixed buckets in seconds. Recording is wait-free (HdrHistogram underneath).
 */
public final class HistogramFamily {

    /**
     * Bucket bounds in seconds, fine at the low end where proxy overhead lives, as the {@code le} label
     * writes them (written out: formatting doubles through BigDecimal for every family was a visible
     * part of start-up in the interpreter).
     */
    static final String[] DEFAULT_BUCKET_LABELS = {
        "0.00001", "0.000025", "0.00005", "0.000075", "0.0001", "0.00015", "0.0002", "0.0003", "0.0005", "0.00075",
        "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60",
        "120", "300"};
    static final double[] DEFAULT_BUCKETS = new double[DEFAULT_BUCKET_LABELS.length];

    static {
        for (int i = 0; i < DEFAULT_BUCKETS.length; i++) {
            DEFAULT_BUCKETS[i] = Double.parseDouble(DEFAULT_BUCKET_LABELS[i]);
        }
    }

    private final String name;
    private final String help;
    private final String labelName;
    private final ConcurrentHashMap<String, LatencyHistogram> series = new ConcurrentHashMap<>();

    public HistogramFamily(String name, String help, String labelName) {
        if (!name.endsWith("_seconds")) {
            throw new IllegalArgumentException("a latency histogram is in seconds: " + name);
        }
        this.name = name;
        this.help = help;
        this.labelName = labelName;
    }

    public void recordNanos(String labelValue, long nanos) {
        LatencyHistogram h = series.get(labelValue);
        if (h == null) {
            h = series.computeIfAbsent(labelValue, k -> new LatencyHistogram());
        }
        h.recordNanos(nanos);
    }

    /** The running total for one label value, or null if nothing was recorded for it. */
    public LatencyHistogram.Snapshot snapshot(String labelValue) {
        LatencyHistogram h = series.get(labelValue);
        return h == null ? null : h.snapshot();
    }

    public void writeTo(PrometheusText out) {
        out.family(name, "histogram", help);
        List<Map.Entry<String, LatencyHistogram>> entries = new ArrayList<>(series.entrySet());
        entries.sort(Map.Entry.comparingByKey());
        for (Map.Entry<String, LatencyHistogram> e : entries) {
            LatencyHistogram.Snapshot s = e.getValue().snapshot();
            String label = e.getKey();
            for (int i = 0; i < DEFAULT_BUCKETS.length; i++) {
                out.sample(name + "_bucket", s.countAtOrBelow(DEFAULT_BUCKETS[i]), labelName, label, "le",
                        DEFAULT_BUCKET_LABELS[i]);
            }
            out.sample(name + "_bucket", s.count(), labelName, label, "le", "+Inf");
            out.sample(name + "_sum", s.sumNanos() / 1e9, labelName, label);
            out.sample(name + "_count", s.count(), labelName, label);
        }
    }
}
