package io.streamrelay.testing.servers;

import java.net.URL;
import java.nio.file.Path;
import java.util.Map;

/**
 * One application server the conformance suite runs the unchanged WAR on: booted once per IT class, as a process
 * of its own, with the relay's settings in its environment ({@code RELAY_*}, as an operator would set them).
 */
public sealed interface ServerUnderTest permits PayaraMicro, PayaraServer, TomeeEmbedded {

    /** A short name for logs and reports, e.g. {@code payara-micro-6}. */
    String name();

    /** Boots the server, deploys {@code war} at the root, waits until the page answers; the base URL ends in '/'. */
    URL start(Path war, Map<String, String> environment) throws Exception;

    /** Where the server's own log (the relay's log lines included) goes. */
    default Path log() {
        return home().resolve(name() + ".log");
    }

    /** Stops the server; never throws. */
    void stop();

    /** The directory under target/ where every server lives (unpacked distributions, domains, logs). */
    static Path home() {
        return Path.of(System.getProperty("relay.it.servers", "target/servers")).toAbsolutePath();
    }
}
