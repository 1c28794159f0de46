package io.streamrelay.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One response line as it arrives, kept as bytes and searched in place: one client thread reads every stream, so a
 * String per line would put the client's own cost into the figures it is there to take.
 */
final class ResponseLine {

    private byte[] bytes = new byte[512];
    private int length;

    void append(byte b) {
        if (length == bytes.length) {
            bytes = Arrays.copyOf(bytes, bytes.length * 2);
        }
        bytes[length++] = b;
    }

    void clear() {
        length = 0;
    }

    /** The line's length without the CR of a CRLF ending. */
    int contentLength() {
        return length > 0 && bytes[length - 1] == '\r' ? length - 1 : length;
    }

    byte at(int index) {
        return bytes[index];
    }

    boolean startsWith(String prefix) {
        if (length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Where {@code needle} starts within [from, to), or -1. */
    int indexOf(byte[] needle, int from, int to) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The decimal digits in [from, to) as a number; the caller has found where they are. */
    long parse(int from, int to) {
        long value = 0;
        for (int i = from; i < to; i++) {
            value = value * 10 + (bytes[i] - '0');
        }
        return value;
    }

    boolean equals(int from, int to, byte[] expected) {
        return Arrays.equals(bytes, from, to, expected, 0, expected.length);
    }

    /** The first {@code length} bytes as text, for failure reasons only. */
    String text(int length) {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
