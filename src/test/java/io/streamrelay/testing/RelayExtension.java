package io.streamrelay.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The set-up every IT class repeated: it starts the class's {@link Upstream} fields before Arquillian asks the
 * {@code @Deployment} method for the WAR (registered before Arquillian by {@link RelayOnPayara}, so its
 * {@code beforeAll} runs first), and closes them after the last test, whatever failed. It also starts copying the
 * output, so that a test can read its server's log ({@link ServerLog}). Before Arquillian boots Payara on the
 * build's reserved port it waits until that port can be bound: the previous class's Payara may still be stopping
 * (its drain and the ledger's flush), and Arquillian's boot then failed with "Address already in use" and waited
 * its whole 180 s startup timeout (seen twice in full runs).
 */
public final class RelayExtension implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ServerLog.startClass();
        awaitFreePort(System.getProperty("relay.it.port"));
        for (Field field : upstreamFields(context.getRequiredTestClass())) {
            Script[] script = field.getAnnotation(Upstream.class).script();
            field.set(null, script.length == 0 ? new ScriptedUpstream() : new ScriptedUpstream(script[0]));
        }
    }

    private static void awaitFreePort(String property) throws InterruptedException {
        if (property == null || property.isBlank()) {
            return;
        }
        int port = Integer.parseInt(property.trim());
        long started = System.nanoTime();
        long deadline = started + 120_000_000_000L;
        while (true) {
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true); // as Grizzly binds
                probe.bind(new InetSocketAddress(port));
                long waitedMs = (System.nanoTime() - started) / 1_000_000;
                if (waitedMs > 0) {
                    System.err.println("[relay-it] port " + port + " free after " + waitedMs + " ms");
                }
                return;
            } catch (IOException busy) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("port " + port + " still in use after 120 s", busy);
                }
                Thread.sleep(200);
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        IOException failed = null;
        for (Field field : upstreamFields(context.getRequiredTestClass())) {
            ScriptedUpstream upstream = (ScriptedUpstream) field.get(null);
            if (upstream == null) {
                continue;
            }
            try {
                upstream.close();
            } catch (IOException e) {
                failed = e;
            }
            field.set(null, null);
        }
        if (failed != null) {
            throw failed;
        }
    }

    private static List<Field> upstreamFields(Class<?> testClass) {
        List<Field> fields = new ArrayList<>();
        for (Field field : testClass.getDeclaredFields()) {
            if (!field.isAnnotationPresent(Upstream.class)) {
                continue;
            }
            if (!Modifier.isStatic(field.getModifiers()) || field.getType() != ScriptedUpstream.class) {
                throw new IllegalStateException("@Upstream needs a static ScriptedUpstream field: " + field);
            }
            field.setAccessible(true);
            fields.add(field);
        }
        return fields;
    }
}
