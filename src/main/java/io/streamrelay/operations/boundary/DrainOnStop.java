package io.streamrelay.operations.boundary;

import io.streamrelay.operations.control.Drain;
import io.streamrelay.operations.control.OperationsSettings;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import java.util.logging.Logger;

/**
 * Starts the drain when the instance stops. On SIGTERM the JVM runs its shutdown hooks at once and side by side:
 * Payara Micro's sleeps its shutdown grace ({@code fish.payara.shutdowngrace}, set in server-config/jvm.options)
 * before it stops anything, and this one drains meanwhile, with the server still fully up. On an undeploy the
 * container calls {@link #contextDestroyed} before the application's beans go.
 */
@WebListener
public class DrainOnStop implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(DrainOnStop.class.getName());

    @Inject
    Drain drain;

    @Inject
    OperationsSettings settings;

    private Thread hook;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        hook = new Thread(() -> drain.drain("SIGTERM"), "streamrelay-drain");
        Runtime.getRuntime().addShutdownHook(hook);
        long grace = Long.getLong("fish.payara.shutdowngrace", 0);
        if (grace < settings.drainMs() + 1000) {
            LOG.warning(() -> "Payara's shutdown grace (fish.payara.shutdowngrace=" + grace + " ms) is shorter than"
                    + " relay.drain-ms (" + settings.drainMs() + ") plus a second: a SIGTERM will cut streams"
                    + " before their drain time is up; see server-config/jvm.options");
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is stopping: the hook is running the drain already.
            return;
        }
        drain.drain("undeploy");
    }
}
