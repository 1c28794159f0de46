package io.streamrelay.problems.boundary;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Generates malformed requests for every endpoint of both transports: broken, deeply nested and huge JSON, wrong
 * types in every field, invalid UTF-8, control characters, wrong content types, malformed Last-Event-ID and
 * query parameters, wrong methods. Every one of them must be refused with a 4xx problem, none may cause a 5xx.
 */
final class MalformedRequests {

    static final String UNKNOWN_ID = "AAAAAAAAAAAAAAAAAAAAAA";

    /**
     * One request. {@code httpLayerStatus}: 0 when the request reaches the relay (which must then answer with a 4xx
     * problem), else the exact status with which Payara's HTTP layer answers it with an empty body before any
     * application code runs (see docs/errors.md): a control or non-ASCII byte in a header value (400), NUL or invalid
     * UTF-8 in the decoded path (400 "Invalid URI"), an invalid percent-escape in the path (200: Grizzly's decoder
     * throws, Payara logs it and the response goes out untouched).
     */
    record Request(String name, String method, String path, String accept, String contentType, byte[] body,
                   Map<String, String> headers, int httpLayerStatus) {
        Request(String name, String method, String path, String accept, String contentType, byte[] body,
                Map<String, String> headers) {
            this(name, method, path, accept, contentType, body, headers, EveryEndpointFamily.layerStatus(path, headers));
        }

        boolean httpLayer() {
            return httpLayerStatus != 0;
        }

        @Override
        public String toString() {
            return method + " " + printable(path.length() > 60 ? path.substring(0, 60) + "…" : path) + ": " + name;
        }
    }

    private MalformedRequests() {
    }

    /** The endpoints that read a JSON body, with the media type each streams. */
    private static final List<String[]> BODY_ENDPOINTS = List.of(
            new String[]{"/api/chat", "text/event-stream"},
            new String[]{"/ndjson/chat", "application/x-ndjson"},
            new String[]{"/api/generations", "application/json"});

    /** The endpoints that follow a generation or resume one. */
    private static final List<String[]> FOLLOW_ENDPOINTS = List.of(
            new String[]{"/api/chat?prompt=hi", "text/event-stream", "GET"},
            new String[]{"/api/chat", "text/event-stream", "POST"},
            new String[]{"/ndjson/chat?prompt=hi", "application/x-ndjson", "GET"},
            new String[]{"/ndjson/chat", "application/x-ndjson", "POST"},
            new String[]{"/api/generations/" + UNKNOWN_ID + "/events", "text/event-stream", "GET"},
            new String[]{"/ndjson/generations/" + UNKNOWN_ID, "application/x-ndjson", "GET"});

    static List<Request> all(int maxBytes) {
        List<Request> all = new ArrayList<>();
        for (String[] endpoint : BODY_ENDPOINTS) {
            for (Map.Entry<String, byte[]> body : bodies(maxBytes)) {
                all.add(new Request(body.getKey(), "POST", endpoint[0], endpoint[1], "application/json",
                        body.getValue(), Map.of()));
            }
            for (String type : List.of("text/plain", "application/xml", "multipart/form-data; boundary=x",
                    "application/x-www-form-urlencoded", "application/json; charset=ISO-8859-1", "application/jsonx",
                    "json", "application/json-patch+json", "*/*", ";")) {
                all.add(new Request("content type " + type, "POST", endpoint[0], endpoint[1], type,
                        utf8("{\"prompt\":\"hi\"}"), Map.of()));
            }
            all.add(new Request("no content type", "POST", endpoint[0], endpoint[1], null, utf8("{\"prompt\":\"hi\"}"),
                    Map.of()));
        }
        for (String[] endpoint : FOLLOW_ENDPOINTS) {
            byte[] body = endpoint[2].equals("POST") ? utf8("{\"prompt\":\"hi\"}") : null;
            String type = body == null ? null : "application/json";
            for (String id : lastEventIds()) {
                all.add(new Request("Last-Event-ID " + printable(id), endpoint[2], endpoint[0], endpoint[1], type,
                        body, Map.of("Last-Event-ID", id)));
            }
        }
        for (String[] endpoint : List.of(new String[]{"/api/generations/" + UNKNOWN_ID + "/events", "text/event-stream"},
                new String[]{"/ndjson/generations/" + UNKNOWN_ID, "application/x-ndjson"})) {
            for (String after : List.of("x", "-1", "1.5", "1e3", "99999999999999999999999", "%00", "%0D%0A", "%ZZ",
                    "%C3%28", "", "0x10", "+1", "1%20", "%E2%80%AE1")) {
                all.add(new Request("after=" + after, "GET", endpoint[0] + "?after=" + after, endpoint[1], null, null,
                        Map.of()));
            }
        }
        for (String query : List.of("", "?prompt=", "?prompt=%20%20", "?prompt=%ZZ", "?prompt=%C3%28", "?prompt=%",
                "?prompt=%E0%80%80", "?prompt=%ED%A0%80", "?prompt=hi&model=", "?prompt=hi&model=%01",
                "?prompt=hi&model=" + "m".repeat(300), "?model=x", "?prompt=" + "a".repeat(3000) + "&model=%FF",
                "?%ZZ=1&prompt=hi", "?prompt=hi&model=%0D%0A")) {
            all.add(new Request("query " + printable(query), "GET", "/api/chat" + query, "text/event-stream", null,
                    null, Map.of()));
            all.add(new Request("query " + printable(query), "GET", "/ndjson/chat" + query, "application/x-ndjson",
                    null, null, Map.of()));
        }
        for (String id : List.of("x", UNKNOWN_ID + "A", "..%2F..%2Fetc", "%00", "a".repeat(2000), "%F0%9F%9A%80",
                "%ZZ")) {
            all.add(new Request("generation id " + printable(id), "GET", "/api/generations/" + id, "application/json",
                    null, null, Map.of()));
            all.add(new Request("generation id " + printable(id), "DELETE", "/api/generations/" + id,
                    "application/json", null, null, Map.of()));
            all.add(new Request("generation id " + printable(id), "GET", "/api/generations/" + id + "/events",
                    "text/event-stream", null, null, Map.of()));
            all.add(new Request("generation id " + printable(id), "GET", "/ndjson/generations/" + id,
                    "application/x-ndjson", null, null, Map.of()));
        }
        String[][] wrongMethods = {
                {"PUT", "/api/chat"}, {"PATCH", "/api/chat"}, {"DELETE", "/api/chat"},
                {"PUT", "/ndjson/chat"}, {"PATCH", "/ndjson/chat"}, {"DELETE", "/ndjson/chat"},
                {"PUT", "/api/generations"}, {"DELETE", "/api/generations"}, {"GET", "/api/generations"},
                {"POST", "/api/generations/" + UNKNOWN_ID}, {"PUT", "/api/generations/" + UNKNOWN_ID},
                {"POST", "/api/generations/" + UNKNOWN_ID + "/events"},
                {"POST", "/ndjson/generations/" + UNKNOWN_ID}, {"DELETE", "/ndjson/generations/" + UNKNOWN_ID},
                {"POST", "/api/metrics"}, {"DELETE", "/api/metrics"}, {"GET", "/api/nothing"},
                {"GET", "/ndjson/nothing"}};
        for (String[] wrong : wrongMethods) {
            all.add(new Request("wrong method", wrong[0], wrong[1], "application/json", null, null, Map.of()));
        }
        for (String accept : List.of("application/json", "text/html", "image/png")) {
            all.add(new Request("Accept " + accept, "GET", "/api/chat?prompt=hi", accept, null, null, Map.of()));
        }
        return all;
    }

    private static List<Map.Entry<String, byte[]>> bodies(int maxBytes) {
        List<Map.Entry<String, byte[]>> bodies = new ArrayList<>();
        for (String broken : List.of("", " ", "{", "}", "[", "{\"prompt\"", "{\"prompt\":}", "{\"prompt\":\"hi\",}",
                "{'prompt':'hi'}", "{prompt:\"hi\"}", "nul", "tru", "{\"prompt\":\"hi\"}{", "{\"prompt\":\"hi\"} x",
                "{\"prompt\":\"hi\" \"model\":\"x\"}", "{\"prompt\":\"\\x41\"}", "{\"prompt\":\"\\u12\"}",
                "{\"prompt\":\"unterminated}", "{\"prompt\":01}", "{\"prompt\":NaN}", "{\"max_tokens\":Infinity}",
                "\"just a string\"", "42", "null", "true", "[]", "[{\"prompt\":\"hi\"}]", "{}")) {
            bodies.add(Map.entry("JSON " + printable(broken), utf8(broken)));
        }
        // Control characters raw inside a JSON string are not JSON.
        for (char control : new char[]{0, 1, 8, '\n', '\r', 0x1b, 0x1f}) {
            bodies.add(Map.entry("raw control U+" + Integer.toHexString(control),
                    utf8("{\"prompt\":\"a" + control + "b\"}")));
        }
        // Deep nesting inside and outside a valid request.
        for (int depth : new int[]{64, 512, 1500}) {
            bodies.add(Map.entry("nested arrays " + depth, utf8("[".repeat(depth) + "]".repeat(depth))));
            bodies.add(Map.entry("nested unclosed " + depth, utf8("{\"a\":".repeat(depth))));
            bodies.add(Map.entry("nested prompt " + depth, utf8("{\"prompt\":" + "[".repeat(depth)
                    + "]".repeat(depth) + "}")));
        }
        // Huge: over the body bound in several shapes.
        bodies.add(Map.entry("huge prompt", utf8("{\"prompt\":\"" + "a".repeat(maxBytes) + "\"}")));
        bodies.add(Map.entry("huge number", utf8("{\"prompt\":\"hi\",\"max_tokens\":" + "9".repeat(maxBytes) + "}")));
        bodies.add(Map.entry("huge whitespace", utf8(" ".repeat(maxBytes + 1) + "{\"prompt\":\"hi\"}")));
        bodies.add(Map.entry("huge messages", utf8("{\"messages\":[" + "{\"role\":\"user\",\"content\":\"x\"},"
                .repeat(maxBytes / 30) + "{\"role\":\"user\",\"content\":\"x\"}]}")));
        // Wrong types and values in every field.
        for (String prompt : List.of("1", "{}", "[]", "true", "\"\"", "\"  \"", "\"\\n\\t\"")) {
            bodies.add(Map.entry("prompt " + prompt, utf8("{\"prompt\":" + prompt + "}")));
        }
        for (String messages : List.of("1", "\"hi\"", "{}", "[]", "[1]", "[null]", "[[]]", "[{}]",
                "[{\"role\":\"user\"}]", "[{\"content\":\"x\"}]", "[{\"role\":\"user\",\"content\":1}]",
                "[{\"role\":\"user\",\"content\":null}]", "[{\"role\":\"user\",\"content\":[\"x\"]}]",
                "[{\"role\":\"tool\",\"content\":\"x\"}]", "[{\"role\":\"USER\",\"content\":\"x\"}]",
                "[{\"role\":null,\"content\":\"x\"}]", "[{\"role\":\"user\",\"content\":\"x\"},2]")) {
            bodies.add(Map.entry("messages " + messages, utf8("{\"messages\":" + messages + "}")));
        }
        for (String model : List.of("1", "{}", "[]", "true", "\"\"", "\" \"", "\"" + "m".repeat(201) + "\"",
                "\"a\\u0000b\"", "\"a\\nb\"")) {
            bodies.add(Map.entry("model " + printable(model), utf8("{\"prompt\":\"hi\",\"model\":" + model + "}")));
        }
        for (String temperature : List.of("\"1\"", "-0.1", "2.01", "1e3", "{}", "[]", "true")) {
            bodies.add(Map.entry("temperature " + temperature,
                    utf8("{\"prompt\":\"hi\",\"temperature\":" + temperature + "}")));
        }
        for (String maxTokens : List.of("0", "-1", "1.5", "\"5\"", "1e9", "1000001", "{}", "true", "[]",
                "99999999999999999999")) {
            bodies.add(Map.entry("max_tokens " + maxTokens,
                    utf8("{\"prompt\":\"hi\",\"max_tokens\":" + maxTokens + "}")));
        }
        bodies.add(Map.entry("prompt and messages",
                utf8("{\"prompt\":\"hi\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")));
        // Invalid UTF-8 in several shapes.
        byte[][] invalid = {
                {(byte) 0xC3, (byte) 0x28}, {(byte) 0xFF}, {(byte) 0xFE, (byte) 0xFF},
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE2, (byte) 0x82},
                {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}};
        for (byte[] bytes : invalid) {
            byte[] head = utf8("{\"prompt\":\"a");
            byte[] tail = utf8("b\"}");
            byte[] body = new byte[head.length + bytes.length + tail.length];
            System.arraycopy(head, 0, body, 0, head.length);
            System.arraycopy(bytes, 0, body, head.length, bytes.length);
            System.arraycopy(tail, 0, body, head.length + bytes.length, tail.length);
            bodies.add(Map.entry("invalid UTF-8 " + java.util.HexFormat.of().formatHex(bytes), body));
        }
        bodies.add(Map.entry("UTF-16 body", "{\"prompt\":\"hi\"}".getBytes(StandardCharsets.UTF_16)));
        return bodies;
    }

    private static List<String> lastEventIds() {
        String id = UNKNOWN_ID;
        return List.of("x", ":", id, id + ":", ":0", id + ":-1", id + ":1e3", id + ":99999999999999999999",
                id + ":1:2", id.substring(1) + ":0", id + "A:0", "../../etc:0", id + ":0\u0001", id + ":\t0",
                "\u007f" + id + ":0", id + ": 0", "é" + id.substring(1) + ":0");
    }

    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(40).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
