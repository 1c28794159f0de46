package io.streamrelay.problems.boundary;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import java.io.EOFException;
import java.io.IOException;
import java.util.Locale;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps a client's departure out of the server log as an error. When an SSE client leaves, Jersey's responder
 * logs SEVERE "An I/O error has occurred while writing a response message entity chunk to the container output
 * stream" with {@code IOException: Connection is closed} and a stack trace, although a client leaving is how
 * streams normally end and the relay handles it itself (the follower's write fails, it is unfollowed, the grace
 * period or the cancel follows). An operator's log must not cry wolf, so exactly those records are dropped: from
 * that logger, caused by a closed, reset or broken connection. Every other record of it, and every other logger,
 * is untouched. Installed by the application itself, so the run command, the tests and any other server get it.
 */
@WebListener
public class DepartedClientLogFilter implements ServletContextListener, Filter {

    /** Held here: java.util.logging keeps loggers weakly, and a collected logger would lose its filter. */
    static final Logger JERSEY_RESPONDER = Logger.getLogger("org.glassfish.jersey.server.ServerRuntime$Responder");

    private Filter previous;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        previous = JERSEY_RESPONDER.getFilter();
        JERSEY_RESPONDER.setFilter(this);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (JERSEY_RESPONDER.getFilter() == this) {
            JERSEY_RESPONDER.setFilter(previous);
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (clientGone(record.getThrown())) {
            return false;
        }
        return previous == null || previous.isLoggable(record);
    }

    /** An IOException in the chain that says the connection is gone, as Grizzly and the JDK word it. */
    static boolean clientGone(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                return true;
            }
            if (t instanceof IOException && t.getMessage() != null) {
                String message = t.getMessage().toLowerCase(Locale.ROOT);
                if (message.contains("connection is closed") || message.contains("connection reset")
                        || message.contains("broken pipe")) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
