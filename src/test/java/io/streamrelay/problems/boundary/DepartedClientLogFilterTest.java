package io.streamrelay.problems.boundary;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Only a client's departure is dropped; every other failure Jersey's responder logs still reaches the log. */
class DepartedClientLogFilterTest {

    final DepartedClientLogFilter filter = new DepartedClientLogFilter();

    @Test
    void aClosedResetOrBrokenConnectionIsDropped() {
        assertFalse(filter.isLoggable(severe(new IOException("Connection is closed"))));
        // Jersey wraps it on some paths.
        assertFalse(filter.isLoggable(severe(new RuntimeException(new IOException("Connection reset by peer")))));
        assertFalse(filter.isLoggable(severe(new IOException("java.io.IOException: Broken pipe"))));
        assertFalse(filter.isLoggable(severe(new EOFException())));
    }

    @Test
    void realErrorsPass() {
        assertTrue(filter.isLoggable(severe(null)));
        assertTrue(filter.isLoggable(severe(new IllegalStateException("mapper failed"))));
        assertTrue(filter.isLoggable(severe(new IOException("No space left on device"))));
        assertTrue(filter.isLoggable(severe(new IOException((String) null))));
    }

    private static LogRecord severe(Throwable thrown) {
        LogRecord record = new LogRecord(Level.SEVERE, "An I/O error has occurred while writing a response message "
                + "entity chunk to the container output stream.");
        record.setThrown(thrown);
        return record;
    }
}
