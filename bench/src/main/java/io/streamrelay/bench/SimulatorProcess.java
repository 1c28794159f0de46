package io.streamrelay.bench;

import java.io.IOException;

/**
 * The upstream simulator alone in its own JVM, so that a client measured in another process pays none of its CPU:
 * prints its port on one line, then serves until its standard input closes.
 */
public final class SimulatorProcess {

    private SimulatorProcess() {
    }

    public static void main(String[] args) throws IOException {
        try (UpstreamSimulator simulator = new UpstreamSimulator()) {
            System.out.println(simulator.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent goes
            }
        }
    }
}
