package io.streamrelay.completions.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.ProblemException;

import java.util.regex.Pattern;

/**
 * Where a follower starts: after the event numbered {@code after} of a generation (-1: from its start).
 * {@code invalid} is the code a cursor past the end of a running generation is refused with: the one of the
 * header or parameter it came from.
 */
public record Cursor(String generation, long after, ErrorCode invalid) {

    private static final Pattern LAST_EVENT_ID = Pattern.compile("([A-Za-z0-9_-]{22}):(\\d{1,18})");
    private static final Pattern AFTER = Pattern.compile("\\d{1,18}");

    /** {@code <generation>:<seq>}, as the SSE ids say and EventSource sends back when it reconnects. */
    public static Cursor fromLastEventId(String header) {
        var match = header == null ? null : LAST_EVENT_ID.matcher(header);
        if (match == null || !match.matches()) {
            throw new ProblemException(ErrorCode.INVALID_LAST_EVENT_ID, "Last-Event-ID must be <generation>:<seq>, as the stream's ids are");
        }
        return new Cursor(match.group(1), Long.parseLong(match.group(2)), ErrorCode.INVALID_LAST_EVENT_ID);
    }

    /**
     * Following generation {@code id} by its URL: Last-Event-ID (an EventSource reconnect) wins over
     * {@code ?after=}, and must name this generation; with neither, from the start.
     */
    public static Cursor forGeneration(String id, String lastEventId, String after) {
        if (lastEventId != null) {
            Cursor cursor = fromLastEventId(lastEventId);
            if (!cursor.generation().equals(id)) {
                throw new ProblemException(ErrorCode.INVALID_LAST_EVENT_ID, "Last-Event-ID names another generation");
            }
            return cursor;
        }
        return new Cursor(id, after(after), ErrorCode.INVALID_AFTER);
    }

    /** The {@code after} query parameter; absent means from the start. */
    public static long after(String parameter) {
        if (parameter == null) {
            return -1;
        }
        if (!AFTER.matcher(parameter).matches()) {
            throw new ProblemException(ErrorCode.INVALID_AFTER, "'after' must be the seq of the last event received (a whole number)");
        }
        return Long.parseLong(parameter);
    }
}
