package io.streamrelay.upstream.control;

import java.util.regex.Pattern;

/**
 * Scrubs secrets from text an upstream sends back. OpenAI's 401 message quotes part of the key it rejected, so an
 * upstream message is never relayed or logged before it passes through here.
 */
public final class Redaction {

    private static final Pattern KEY_LIKE = Pattern.compile("(?<![A-Za-z0-9_-])(sk|pk|rk)-[A-Za-z0-9_*\\-]{4,}");

    private final String secret;

    public Redaction(String secret) {
        this.secret = secret == null || secret.isBlank() ? null : secret;
    }

    public String apply(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        if (secret != null) {
            out = out.replace(secret, "[redacted]");
        }
        return KEY_LIKE.matcher(out).replaceAll("[redacted]");
    }
}
