package io.streamrelay.bench;

/**
 * The upstream simulator alone in its own JVM, so that a client measured in another process pays none of its CPU:
 * prints its port on one line (with {@code KEYSTORE PASSWORD} as arguments, the port of a {@link TlsFront} before
 * it, with that key), then serves until its standard input closes.
 */
public final class SimulatorProcess {

    private SimulatorProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (UpstreamSimulator simulator = new UpstreamSimulator()) {
            TlsFront tls = args.length == 2 ? new TlsFront(java.nio.file.Path.of(args[0]), args[1], simulator.port())
                    : null;
            System.out.println(tls == null ? simulator.port() : tls.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent goes
            }
        }
    }
}
