package io.streamrelay.operations.control;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** MicroProfile Metrics takes buckets from config only: the shipped config must say what GenAi holds. */
class GenAiTest {

    @Test
    void theConfiguredBucketsAreTheConventions() throws IOException {
        Properties config = new Properties();
        try (InputStream in = GenAiTest.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
            config.load(in);
        }
        Map<String, List<Double>> configured = new LinkedHashMap<>();
        for (String key : List.of("mp.metrics.distribution.timer.buckets", "mp.metrics.distribution.histogram.buckets")) {
            for (String entry : config.getProperty(key).split(";")) {
                String[] parts = entry.split("=");
                configured.put(parts[0], java.util.Arrays.stream(parts[1].split(","))
                        .map(v -> v.endsWith("ms") ? Double.parseDouble(v.substring(0, v.length() - 2)) / 1000
                                : Double.parseDouble(v)).toList());
            }
        }
        assertEquals(GenAi.BUCKETS.keySet(), configured.keySet());
        GenAi.BUCKETS.forEach((name, buckets) -> {
            List<Double> actual = configured.get(name);
            assertEquals(buckets.size(), actual.size(), name);
            for (int i = 0; i < buckets.size(); i++) {
                assertEquals(buckets.get(i), actual.get(i), 1e-9, name);
            }
        });
        assertEquals(81.92, GenAi.BUCKETS.get(GenAi.CLIENT_DURATION).get(13), 1e-9);
        assertEquals(67_108_864.0, GenAi.BUCKETS.get(GenAi.CLIENT_TOKENS).get(13), 1e-9);
    }
}
