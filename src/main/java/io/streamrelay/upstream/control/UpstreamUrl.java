package io.streamrelay.upstream.control;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A configured base URL ({@code relay.upstream.url}, {@code relay.fallback.url}) taken apart: the completions URI
 * the relay calls (the base's path + {@code /chat/completions}, its query kept, its user info removed), the user
 * info, and the form that may be shown.
 * <p>
 * User info ({@code http://user:pass@host/v1}) is sent as HTTP Basic authentication when no API key is set; with a
 * key the bearer key wins and the user info is dropped. A query string ({@code ?api-version=…&key=…}) is sent as it
 * is. Neither is ever logged nor put into a message: both may carry a secret.
 */
record UpstreamUrl(URI completions, String userInfo) {

    /** @throws IllegalArgumentException when the URL is not an absolute http(s) URL */
    static UpstreamUrl parse(String baseUrl) {
        URI base;
        try {
            base = new URI(baseUrl.strip());
        } catch (URISyntaxException malformed) {
            // Not the URL itself in the message: it may carry a password.
            throw new IllegalArgumentException("the upstream URL is malformed at index " + malformed.getIndex());
        }
        if (base.getScheme() == null || base.getHost() == null
                || !(base.getScheme().equalsIgnoreCase("http") || base.getScheme().equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("the upstream URL must be an absolute http or https URL");
        }
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        URI completions = URI.create(base.getScheme() + "://" + base.getHost()
                + (base.getPort() < 0 ? "" : ":" + base.getPort()) + path + "/chat/completions"
                + (base.getRawQuery() == null ? "" : "?" + base.getRawQuery()));
        return new UpstreamUrl(completions, base.getUserInfo());
    }

    /** Scheme, host, port and path: no user info, and the query (which may hold a key) replaced by an ellipsis. */
    static String shown(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath()) + (uri.getRawQuery() == null ? "" : "?…");
    }

    /** What must never leave the relay: the password (and the whole user info), the query and each of its values. */
    static List<String> secrets(URI completions, String userInfo) {
        List<String> secrets = new ArrayList<>();
        if (userInfo != null) {
            secrets.add(userInfo);
            int colon = userInfo.indexOf(':');
            // Shorter ones would scrub ordinary words from messages; a real password is longer.
            if (colon >= 0 && userInfo.length() - colon - 1 >= 4) {
                secrets.add(userInfo.substring(colon + 1));
            }
        }
        String query = completions.getRawQuery();
        if (query != null) {
            secrets.add(query);
            for (String pair : query.split("&")) {
                int equals = pair.indexOf('=');
                // Short values are versions and flags (api-version=1), not keys.
                if (equals >= 0 && pair.length() - equals - 1 >= 8) {
                    secrets.add(pair.substring(equals + 1));
                    secrets.add(URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return secrets;
    }
}
