package io.streamrelay.upstream.control;

/**
 * Reads one chunk of JSON in a single pass, keeping only what the relay uses and skipping the rest. It is a
 * complete JSON parser (strings with every escape, numbers, literals, nesting, nothing after the value), but it
 * builds no tree: the per-token path allocates little more than the token's text.
 */
final class ChunkScanner {

    /** What a chunk says; null fields were absent (or JSON null). */
    record Chunk(boolean hasChoices, String content, String reasoning, String finishReason,
                 boolean hasUsage, int promptTokens, int completionTokens, int totalTokens,
                 boolean hasError, String errorMessage, String object, String message) {
    }

    private static final int MAX_DEPTH = 256;

    private final String json;
    private int at;
    private int depth;

    private boolean hasChoices;
    private boolean choiceTaken;
    private String content;
    private String reasoning;
    private String finishReason;
    private boolean hasUsage;
    private int promptTokens;
    private int completionTokens;
    private int totalTokens = -1;
    private boolean hasError;
    private String errorMessage;
    private String object;
    private String message;

    private ChunkScanner(String json) {
        this.json = json;
    }

    /** @throws IllegalArgumentException when the text is not one JSON object */
    static Chunk read(String json) {
        return new ChunkScanner(json).chunk();
    }

    private Chunk chunk() {
        space();
        if (peek() != '{') {
            skip();
            space();
            if (at != json.length()) {
                throw malformed("content after the value");
            }
            throw new NotAnObject();
        }
        object(0);
        space();
        if (at != json.length()) {
            throw malformed("content after the object");
        }
        return new Chunk(hasChoices, content, reasoning, finishReason, hasUsage, promptTokens, completionTokens,
                totalTokens < 0 ? promptTokens + completionTokens : totalTokens, hasError, errorMessage, object,
                message);
    }

    /** Where an object sits decides which of its members matter. */
    private static final int TOP = 0;
    private static final int CHOICE = 1;
    private static final int USAGE = 2;
    private static final int ERROR = 3;

    /** The value of one member: the handler must read (or skip) exactly that value. */
    private interface Member {
        void read(String key);
    }

    /** Reads an object, handing each member's value to the handler. */
    private void members(Member member) {
        enter();
        expect('{');
        space();
        if (peek() == '}') {
            at++;
            leave();
            return;
        }
        while (true) {
            space();
            String key = string();
            space();
            expect(':');
            space();
            member.read(key);
            space();
            char next = next();
            if (next == '}') {
                break;
            }
            if (next != ',') {
                throw malformed("expected , or }");
            }
        }
        leave();
    }

    private void object(int role) {
        switch (role) {
            case TOP -> members(this::top);
            case CHOICE -> choice();
            case USAGE -> members(key -> {
                switch (key) {
                    case "prompt_tokens" -> promptTokens = (int) number();
                    case "completion_tokens" -> completionTokens = (int) number();
                    case "total_tokens" -> totalTokens = (int) number();
                    default -> skip();
                }
            });
            case ERROR -> members(key -> {
                if (key.equals("message") && peek() == '"') {
                    errorMessage = string();
                } else {
                    skip();
                }
            });
            default -> members(key -> skip());
        }
    }

    private void choice() {
        Integer[] index = {null};
        String[] texts = new String[3]; // content, reasoning, finish_reason
        members(key -> {
            switch (key) {
                case "index" -> index[0] = (int) number();
                case "finish_reason" -> texts[2] = stringOrNull();
                case "delta" -> {
                    if (peek() == '{') {
                        delta(texts);
                    } else {
                        skip();
                    }
                }
                default -> skip();
            }
        });
        // n > 1 is not relayed: the contract is one answer per generation, so only choice 0 counts.
        if (!choiceTaken && (index[0] == null || index[0] == 0)) {
            choiceTaken = true;
            content = texts[0];
            reasoning = texts[1];
            finishReason = texts[2];
        }
    }

    private void top(String key) {
        switch (key) {
            case "choices" -> {
                if (peek() == '[') {
                    hasChoices = true;
                    array(CHOICE);
                } else {
                    skip();
                }
            }
            case "usage" -> {
                if (peek() == '{') {
                    hasUsage = true;
                    object(USAGE);
                } else {
                    skip();
                }
            }
            case "error" -> {
                char c = peek();
                if (c == '{') {
                    hasError = true;
                    object(ERROR);
                } else if (c == '"') {
                    hasError = true;
                    errorMessage = string();
                } else if (c == 'n') {
                    skip();
                } else {
                    hasError = true;
                    skip();
                }
            }
            case "object" -> object = stringOrNull();
            case "message" -> message = peek() == '"' ? string() : skipped();
            default -> skip();
        }
    }

    /** content, then reasoning (DeepSeek reasoning_content, else Ollama reasoning), into texts[0] and texts[1]. */
    private void delta(String[] texts) {
        String[] reasoningContent = {null};
        String[] reasoningPlain = {null};
        members(key -> {
            switch (key) {
                case "content" -> texts[0] = stringOrNull();
                case "reasoning_content" -> reasoningContent[0] = stringOrNull();
                case "reasoning" -> reasoningPlain[0] = stringOrNull();
                default -> skip();
            }
        });
        texts[1] = reasoningContent[0] != null ? reasoningContent[0] : reasoningPlain[0];
    }

    private void array(int role) {
        enter();
        expect('[');
        space();
        if (peek() == ']') {
            at++;
            leave();
            return;
        }
        while (true) {
            space();
            if (role == CHOICE && peek() == '{') {
                object(CHOICE);
            } else {
                skip();
            }
            space();
            char next = next();
            if (next == ']') {
                break;
            }
            if (next != ',') {
                throw malformed("expected , or ]");
            }
        }
        leave();
    }

    private String skipped() {
        skip();
        return null;
    }

    /** Skips any one value, checking its syntax. */
    private void skip() {
        char c = peek();
        switch (c) {
            case '{' -> object(-1);
            case '[' -> array(-1);
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    private String stringOrNull() {
        if (peek() == 'n') {
            literal("null");
            return null;
        }
        if (peek() != '"') {
            skip();
            return null;
        }
        return string();
    }

    private String string() {
        expect('"');
        int start = at;
        // Fast path: no escapes, which is nearly every token.
        while (at < json.length()) {
            char c = json.charAt(at);
            if (c == '"') {
                return json.substring(start, at++);
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw malformed("control character in a string");
            }
            at++;
        }
        StringBuilder out = new StringBuilder(at - start + 16).append(json, start, at);
        while (at < json.length()) {
            char c = json.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw malformed("control character in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > json.length()) {
                        throw malformed("short \\u escape");
                    }
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(json.charAt(at++), 16);
                        if (digit < 0) {
                            throw malformed("bad \\u escape");
                        }
                        code = code << 4 | digit;
                    }
                    out.append((char) code);
                }
                default -> throw malformed("bad escape");
            }
        }
        throw malformed("unterminated string");
    }

    private double number() {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        int digits = at;
        while (at < json.length() && Character.isDigit(json.charAt(at))) {
            at++;
        }
        if (at == digits || (json.charAt(digits) == '0' && at - digits > 1)) {
            throw malformed("bad number");
        }
        boolean integral = true;
        if (at < json.length() && json.charAt(at) == '.') {
            integral = false;
            at++;
            int fraction = at;
            while (at < json.length() && Character.isDigit(json.charAt(at))) {
                at++;
            }
            if (at == fraction) {
                throw malformed("bad number");
            }
        }
        if (at < json.length() && (json.charAt(at) == 'e' || json.charAt(at) == 'E')) {
            integral = false;
            at++;
            if (at < json.length() && (json.charAt(at) == '+' || json.charAt(at) == '-')) {
                at++;
            }
            int exponent = at;
            while (at < json.length() && Character.isDigit(json.charAt(at))) {
                at++;
            }
            if (at == exponent) {
                throw malformed("bad number");
            }
        }
        String text = json.substring(start, at);
        if (integral && text.length() < 18) {
            return Long.parseLong(text);
        }
        return Double.parseDouble(text);
    }

    private void literal(String word) {
        if (!json.startsWith(word, at)) {
            throw malformed("bad literal");
        }
        at += word.length();
    }

    private void space() {
        while (at < json.length()) {
            char c = json.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    private char peek() {
        if (at >= json.length()) {
            throw malformed("unexpected end");
        }
        return json.charAt(at);
    }

    private char next() {
        char c = peek();
        at++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            throw malformed("expected " + c);
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw malformed("nested deeper than " + MAX_DEPTH);
        }
    }

    private void leave() {
        depth--;
    }

    /** Valid or not, the text is not a JSON object, which no chunk format allows. */
    static final class NotAnObject extends IllegalArgumentException {
        NotAnObject() {
            super("the chunk is not a JSON object");
        }
    }

    private static IllegalArgumentException malformed(String why) {
        return new IllegalArgumentException("malformed chunk: " + why);
    }
}
