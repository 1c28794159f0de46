package io.streamrelay.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * The benchmark's command line, {@code --name value} pairs (bench/run and docs/benchmark.md list them); a name
 * without its value at the end is ignored, as is a repeated name's earlier value.
 */
record BenchOptions(Map<String, String> values) {

    static BenchOptions parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return new BenchOptions(options);
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int getInt(String name, int fallback) {
        return Integer.parseInt(get(name, String.valueOf(fallback)));
    }

    boolean has(String name) {
        return values.containsKey(name);
    }
}
