package io.streamrelay.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every secret the test suite gives the relay: upstream keys, passwords and query keys in upstream URLs, and
 * gateway key secrets. None may ever show up in a
 * response or in the server's log; {@code SecretsIT} checks both after the suite.
 */
public final class Secrets {

    public static final String RELAY_UPSTREAM_KEY = "sk-test-7f3a9c2e5b1d4f60a8e2c9d7b3f1a6e4";
    public static final String GENERATIONS_UPSTREAM_KEY = "sk-generations-test-key";
    public static final String PAGE_UPSTREAM_KEY = "sk-page-test";
    public static final String ADMISSION_UPSTREAM_KEY = "sk-admission-4c1f9e7a2b6d8035";
    public static final String RESILIENCE_UPSTREAM_KEY = "sk-resilience-primary-9d2e7b14c6a3f058";
    /** Not key-shaped on purpose: only the relay's exact-match redaction can catch it. */
    public static final String RESILIENCE_FALLBACK_KEY = "fallback-secret-3e8a61d09b7c24f5";

    /** UpstreamFaultsIT's upstream URLs carry these in their user info and query: none may be logged or echoed. */
    public static final String FAULTS_PRIMARY_PASSWORD = "pw-faults-primary-6a0c93e1d7b5";
    public static final String FAULTS_PRIMARY_QUERY_KEY = "qk-faults-primary-2f8e4b7c1a9d";
    public static final String FAULTS_FALLBACK_PASSWORD = "pw-faults-fallback-0d5b8e2a71c4";
    public static final String FAULTS_FALLBACK_QUERY_KEY = "qk-faults-fallback-93c7a1f06e2b";

    public static final String OPERATIONS_UPSTREAM_KEY = "sk-operations-6b0e2d94c17a3f58";
    public static final String OPERATIONS_FALLBACK_KEY = "sk-operations-fallback-e41d7c03a9b25f68";

    /** Gateway key ids and their secrets (what clients send); the relay is given only their SHA-256. */
    public static final Map<String, String> GATEWAY = gateway();

    private Secrets() {
    }

    private static Map<String, String> gateway() {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String id : List.of("alice", "bob", "rate", "tokens", "crowd-sse", "crowd-ndjson", "busy1", "busy2", "busy3", "cors-sse", "cors-ndjson", "cors-self",
                "admin")) {
            keys.put(id, "gw-" + id + "-5f0c2a9e71d84b36");
        }
        for (String path : List.of("done", "upstream-error", "cut", "cancel", "client-gone", "timeout", "unfollowed",
                "too-large", "max-duration")) {
            for (String transport : List.of("sse", "ndjson")) {
                String id = "leak-" + path + "-" + transport;
                keys.put(id, "gw-" + id + "-a83e61f0c49d27b5");
            }
        }
        return Map.copyOf(keys);
    }

    public static String gateway(String id) {
        String secret = GATEWAY.get(id);
        if (secret == null) {
            throw new IllegalArgumentException("no gateway key " + id);
        }
        return secret;
    }

    /** relay.keys for all gateway keys. */
    public static String relayKeys() {
        StringBuilder keys = new StringBuilder();
        GATEWAY.forEach((id, secret) -> keys.append(keys.length() == 0 ? "" : ",").append(id).append(':')
                .append(sha256(secret)));
        return keys.toString();
    }

    public static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<String> all() {
        return Stream.concat(Stream.of(RELAY_UPSTREAM_KEY, GENERATIONS_UPSTREAM_KEY, PAGE_UPSTREAM_KEY,
                ADMISSION_UPSTREAM_KEY, RESILIENCE_UPSTREAM_KEY, RESILIENCE_FALLBACK_KEY, FAULTS_PRIMARY_PASSWORD,
                FAULTS_PRIMARY_QUERY_KEY, FAULTS_FALLBACK_PASSWORD, FAULTS_FALLBACK_QUERY_KEY, OPERATIONS_UPSTREAM_KEY,
                OPERATIONS_FALLBACK_KEY),
                GATEWAY.values().stream()).toList();
    }
}
