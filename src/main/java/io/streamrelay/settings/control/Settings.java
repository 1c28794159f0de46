package io.streamrelay.settings.control;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The relay's settings by key, whatever the server: MicroProfile Config when the server provides it, otherwise
 * {@link PlainValues}, which applies MicroProfile Config's own order and environment-name mapping to system
 * properties, environment variables and META-INF/microprofile-config.properties. So a {@code RELAY_*} variable or a
 * {@code -Drelay.*} property means the same on Payara and on TomEE embedded (which has no MicroProfile Config).
 * An empty value counts as unset, as in MicroProfile Config. A missing required key or a malformed value throws
 * {@link IllegalStateException} naming the key, which fails the deployment as an unsatisfied config would.
 */
public final class Settings {

    private final Function<String, Optional<String>> values;

    Settings(Function<String, Optional<String>> values) {
        this.values = values;
    }

    /** The server's settings: MicroProfile Config if it has an implementation, the plain reader otherwise. */
    public static Settings current() {
        return new Settings(MicroProfileValues.available().orElseGet(() -> PlainValues.fromEnvironment()::value));
    }

    /** A value, or empty when the key is unset or blank. */
    public Optional<String> optional(String key) {
        return values.apply(key).map(String::strip).filter(value -> !value.isEmpty());
    }

    /** A comma-separated value as a set: each item stripped, empty items dropped; empty when unset. */
    public Set<String> names(String key) {
        return optional(key).map(list -> Arrays.stream(list.split(",")).map(String::strip)
                .filter(item -> !item.isEmpty()).collect(Collectors.toUnmodifiableSet())).orElse(Set.of());
    }

    public String text(String key) {
        return optional(key).orElseThrow(() -> new IllegalStateException("the setting " + key + " has no value"));
    }

    public int integer(String key) {
        return parsed(key, Integer::parseInt);
    }

    public long number(String key) {
        return parsed(key, Long::parseLong);
    }

    /** MicroProfile Config's boolean: true, yes, y, on or 1 (any case) are true, anything else false. */
    public boolean flag(String key) {
        return optional(key).map(Settings::isTrue).orElseThrow(
                () -> new IllegalStateException("the setting " + key + " has no value"));
    }

    /** A flag with a default for a key that may be absent everywhere. */
    public boolean flag(String key, boolean fallback) {
        return optional(key).map(Settings::isTrue).orElse(fallback);
    }

    /** The rule of {@link #flag}, for a setting that also takes other words (e.g. {@code auto}). */
    public static boolean isTrue(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "y", "on", "1" -> true;
            default -> false;
        };
    }

    private <T> T parsed(String key, Function<String, T> parse) {
        String value = text(key);
        try {
            return parse.apply(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the setting " + key + " is not a number: " + value, e);
        }
    }
}
