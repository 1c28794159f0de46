package io.streamrelay.problems.boundary;

import io.streamrelay.problems.boundary.MalformedRequests.Request;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.streamrelay.problems.boundary.MalformedRequests.UNKNOWN_ID;
import static io.streamrelay.problems.boundary.MalformedRequests.printable;

/**
 * The malformations that belong to no endpoint in particular, sent to every family of endpoints (the page and its
 * scripts included), and what Payara's HTTP layer answers for each before any application code runs.
 */
final class EveryEndpointFamily {

    private EveryEndpointFamily() {
    }

    /**
     * The exact status Payara's HTTP layer answers this request with (see docs/errors.md), or 0 when it reaches
     * the relay.
     */
    static int layerStatus(String path, Map<String, String> headers) {
        boolean badHeader = headers.values().stream().anyMatch(value -> value.chars()
                .anyMatch(c -> (c < 0x20 && c != '\t') || c >= 0x7f));
        if (badHeader) {
            return 400;
        }
        String rawPath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        java.io.ByteArrayOutputStream decoded = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c != '%') {
                decoded.write(c);
            } else if (i + 2 < rawPath.length() && hex(rawPath.charAt(i + 1)) && hex(rawPath.charAt(i + 2))) {
                decoded.write(Integer.parseInt(rawPath.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                return 200;
            }
        }
        byte[] bytes = decoded.toByteArray();
        for (byte b : bytes) {
            if (b == 0) {
                return 400;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
        } catch (java.nio.charset.CharacterCodingException e) {
            return 400;
        }
        return 0;
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Every family of endpoints, static files included: method, path (query allowed), accept. */
    static final List<String[]> FAMILIES = List.of(
            new String[]{"GET", "/api/chat?prompt=hi", "text/event-stream"},
            new String[]{"GET", "/ndjson/chat?prompt=hi", "application/x-ndjson"},
            new String[]{"GET", "/api/generations/" + UNKNOWN_ID, "application/json"},
            new String[]{"DELETE", "/api/generations/" + UNKNOWN_ID, "application/json"},
            new String[]{"GET", "/api/generations/" + UNKNOWN_ID + "/events", "text/event-stream"},
            new String[]{"GET", "/ndjson/generations/" + UNKNOWN_ID, "application/x-ndjson"},
            new String[]{"GET", "/api/metrics", "application/json"},
            new String[]{"OPTIONS", "/api/chat", "*/*"},
            new String[]{"GET", "/", "text/html"},
            new String[]{"GET", "/js/streamrelay.js", "*/*"});

    /** Bodies where none belongs, bytes outside ASCII in headers, broken escapes in path and query, everywhere. */
    static List<Request> everywhere() {
        List<Request> all = new ArrayList<>();
        for (String[] family : FAMILIES) {
            String method = family[0];
            String path = family[1];
            String accept = family[2];
            all.add(new Request("a JSON body on " + method, method, path, accept, "application/json",
                    utf8("{\"prompt\":\"hi\"}"), Map.of()));
            all.add(new Request("an untyped body on " + method, method, path, accept, null, utf8("x"), Map.of()));
            for (String header : List.of("Last-Event-ID", "X-Note", "Accept-Language", "Authorization")) {
                for (String value : List.of("é", "a\u0001b", "a\u007fb", "ÿ", "a\u001bb", "\u0000")) {
                    all.add(new Request(header + ": " + printable(value), method, path, accept, null, null,
                            Map.of(header, value)));
                }
            }
            String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            String query = path.contains("?") ? path.substring(path.indexOf('?')) : "";
            for (String escape : List.of("%ZZ", "%", "%4", "%G0", "%C3%28", "%FF", "%00", "%ED%A0%80")) {
                all.add(new Request("path escape " + escape, method, bare + escape + query, accept, null, null,
                        Map.of()));
                String glue = query.isEmpty() ? "?" : query + "&";
                all.add(new Request("query escape " + escape, method, bare + glue + "x=" + escape, accept, null,
                        null, Map.of()));
                all.add(new Request("query name escape " + escape, method, bare + glue + escape + "=1", accept,
                        null, null, Map.of()));
            }
        }
        return all;
    }


    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
