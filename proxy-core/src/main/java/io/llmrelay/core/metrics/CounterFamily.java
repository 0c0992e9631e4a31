package io.llmrelay.core.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A counter with labels. Incrementing is lock-free; a new label combination is created once. The
 * number of combinations is capped, since labels such as {@code model} come from clients: beyond
 * the cap, new combinations are counted under {@value #OVERFLOW} values instead of growing forever.
 */
public final class CounterFamily {

    static final String OVERFLOW = "_other";

    private final String name;
    private final String help;
    private final String[] labelNames;
    private final int maxSeries;
    private final ConcurrentHashMap<List<String>, LongAdder> series = new ConcurrentHashMap<>();

    public CounterFamily(String name, String help, int maxSeries, String... labelNames) {
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        }
        this.name = name;
        this.help = help;
        this.labelNames = labelNames;
        this.maxSeries = maxSeries;
    }

    public void inc(String... labelValues) {
        add(1, labelValues);
    }

    public void add(long amount, String... labelValues) {
        if (labelValues.length != labelNames.length) {
            throw new IllegalArgumentException(name + " takes " + labelNames.length + " labels");
        }
        List<String> key = Arrays.asList(labelValues);
        LongAdder adder = series.get(key);
        if (adder == null) {
            if (series.size() >= maxSeries) {
                String[] overflow = new String[labelValues.length];
                Arrays.fill(overflow, OVERFLOW);
                key = Arrays.asList(overflow);
            } else {
                key = List.copyOf(replaceNulls(labelValues));
            }
            adder = series.computeIfAbsent(key, k -> new LongAdder());
        }
        adder.add(amount);
    }

    /** The current value of one series (0 when it was never counted). */
    public long value(String... labelValues) {
        LongAdder adder = series.get(Arrays.asList(labelValues));
        return adder == null ? 0 : adder.sum();
    }

    public void writeTo(PrometheusText out) {
        out.family(name, "counter", help);
        List<Map.Entry<List<String>, LongAdder>> entries = new ArrayList<>(series.entrySet());
        entries.sort((a, b) -> String.join("\u0000", a.getKey()).compareTo(String.join("\u0000", b.getKey())));
        for (Map.Entry<List<String>, LongAdder> e : entries) {
            out.sample(name, e.getValue().sum(), labels(labelNames, e.getKey()));
        }
    }

    static String[] labels(String[] names, List<String> values) {
        String[] pairs = new String[names.length * 2];
        for (int i = 0; i < names.length; i++) {
            pairs[2 * i] = names[i];
            pairs[2 * i + 1] = values.get(i);
        }
        return pairs;
    }

    private static List<String> replaceNulls(String[] values) {
        List<String> out = new ArrayList<>(values.length);
        for (String v : values) {
            out.add(v == null ? "" : v);
        }
        return out;
    }
}
