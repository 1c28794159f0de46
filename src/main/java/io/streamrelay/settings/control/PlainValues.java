package io.streamrelay.settings.control;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * MicroProfile Config's three default sources without MicroProfile Config, in its order (system properties 400,
 * environment 300, META-INF/microprofile-config.properties 100). An environment variable is found as MicroProfile
 * Config 3.x finds it: the exact key, then every character other than a letter, a digit or '_' replaced by '_',
 * then that in upper case ({@code relay.limit.streams-total} is {@code RELAY_LIMIT_STREAMS_TOTAL}).
 */
final class PlainValues {

    static final String DEFAULTS = "META-INF/microprofile-config.properties";

    private final Map<String, String> environment;
    private final Properties system;
    private final Properties defaults;

    PlainValues(Map<String, String> environment, Properties system, Properties defaults) {
        this.environment = environment;
        this.system = system;
        this.defaults = defaults;
    }

    static PlainValues fromEnvironment() {
        return new PlainValues(System.getenv(), System.getProperties(), defaults(PlainValues.class.getClassLoader()));
    }

    Optional<String> value(String key) {
        String fromSystem = system.getProperty(key);
        if (fromSystem != null) {
            return Optional.of(fromSystem);
        }
        String fromEnvironment = environmentValue(key);
        if (fromEnvironment != null) {
            return Optional.of(fromEnvironment);
        }
        return Optional.ofNullable(defaults.getProperty(key));
    }

    private String environmentValue(String key) {
        String exact = environment.get(key);
        if (exact != null) {
            return exact;
        }
        String sanitized = key.replaceAll("[^A-Za-z0-9_]", "_");
        String value = environment.get(sanitized);
        return value != null ? value : environment.get(sanitized.toUpperCase(Locale.ROOT));
    }

    static Properties defaults(ClassLoader loader) {
        Properties properties = new Properties();
        try (InputStream in = loader.getResourceAsStream(DEFAULTS)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULTS, e);
        }
        return properties;
    }
}
