package io.streamrelay.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

/** What every relay the benchmark starts gets, whichever scenario starts it. */
final class RelayLaunch {

    private RelayLaunch() {
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The load comes from one address: the relay's per-client limits would measure themselves, not the relay. */
    static void noLimits(Map<String, String> env) {
        env.put("RELAY_LIMIT_REQUESTS_PER_MINUTE", "0");
        env.put("RELAY_LIMIT_STREAMS_PER_CLIENT", "0");
        env.put("RELAY_LIMIT_STREAMS_TOTAL", "0");
    }
}
