package io.streamrelay.settings.control;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fallback reader (servers without MicroProfile Config) follows MicroProfile Config's order and env mapping. */
class PlainValuesTest {

    private static Properties props(String... pairs) {
        Properties p = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            p.setProperty(pairs[i], pairs[i + 1]);
        }
        return p;
    }

    private static Settings settings(Map<String, String> env, Properties system, Properties defaults) {
        return new Settings(new PlainValues(env, system, defaults)::value);
    }

    @Test
    void systemPropertyBeatsEnvironmentBeatsDefaults() {
        Properties defaults = props("relay.limit.streams-total", "10000");
        assertEquals(10000, settings(Map.of(), props(), defaults).integer("relay.limit.streams-total"));
        assertEquals(7, settings(Map.of("RELAY_LIMIT_STREAMS_TOTAL", "7"), props(), defaults)
                .integer("relay.limit.streams-total"));
        assertEquals(3, settings(Map.of("RELAY_LIMIT_STREAMS_TOTAL", "7"), props("relay.limit.streams-total", "3"),
                defaults).integer("relay.limit.streams-total"));
    }

    @Test
    void environmentNamesAreFoundAsMicroProfileConfigFindsThem() {
        String key = "relay.upstream.retry.max-attempts";
        assertEquals(1, settings(Map.of(key, "1"), props(), props()).integer(key));
        assertEquals(2, settings(Map.of("relay_upstream_retry_max_attempts", "2"), props(), props()).integer(key));
        assertEquals(4, settings(Map.of("RELAY_UPSTREAM_RETRY_MAX_ATTEMPTS", "4"), props(), props()).integer(key));
        // The exact name wins over the mapped ones, the lower-case mapping over the upper-case one.
        assertEquals(1, settings(Map.of(key, "1", "RELAY_UPSTREAM_RETRY_MAX_ATTEMPTS", "4"), props(), props())
                .integer(key));
        assertEquals(2, settings(Map.of("relay_upstream_retry_max_attempts", "2",
                "RELAY_UPSTREAM_RETRY_MAX_ATTEMPTS", "4"), props(), props()).integer(key));
    }

    @Test
    void blankIsUnsetAndMissingRequiredValuesNameTheKey() {
        Settings s = settings(Map.of("RELAY_KEYS", "  "), props(), props("relay.request.max-bytes", "12x"));
        assertEquals(Optional.empty(), s.optional("relay.keys"));
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> s.integer("relay.nothing"));
        assertTrue(missing.getMessage().contains("relay.nothing"), missing.getMessage());
        IllegalStateException malformed = assertThrows(IllegalStateException.class,
                () -> s.integer("relay.request.max-bytes"));
        assertTrue(malformed.getMessage().contains("relay.request.max-bytes"), malformed.getMessage());
    }

    @Test
    void flagsReadAsMicroProfileConfigReadsThem() {
        for (String yes : new String[] {"true", "TRUE", "yes", "Y", "on", "1"}) {
            assertTrue(settings(Map.of(), props("f", yes), props()).flag("f"), yes);
        }
        assertFalse(settings(Map.of(), props("f", "false"), props()).flag("f"));
        assertFalse(settings(Map.of(), props("f", "no"), props()).flag("f"));
        assertTrue(settings(Map.of(), props(), props()).flag("absent", true));
    }

    @Test
    void theWarsDefaultsFileIsFound() {
        Properties defaults = PlainValues.defaults(PlainValues.class.getClassLoader());
        assertEquals("8", defaults.getProperty("relay.threads.writers"));
        // The unit tests have the MicroProfile Config API but no implementation: the fallback answers.
        assertEquals(8, Settings.current().integer("relay.threads.writers"));
    }
}
