package io.streamrelay.upstream.control;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Scrubs secrets from text an upstream sends back. OpenAI's 401 message quotes part of the key it rejected, so an
 * upstream message is never relayed or logged before it passes through here. Every configured upstream secret (the
 * primary's and the fallback's keys, URL passwords and query strings) is scrubbed from every upstream's messages.
 */
public final class Redaction {

    private static final Pattern KEY_LIKE = Pattern.compile("(?<![A-Za-z0-9_-])(sk|pk|rk)-[A-Za-z0-9_*\\-]{4,}");

    private final List<String> secrets;

    public Redaction(String... secrets) {
        // Longest first, so a secret that contains another (user:password, password) goes whole.
        this.secrets = Arrays.stream(secrets).filter(Objects::nonNull).filter(s -> !s.isBlank()).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    public String apply(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, "[redacted]");
        }
        return KEY_LIKE.matcher(out).replaceAll("[redacted]");
    }
}
