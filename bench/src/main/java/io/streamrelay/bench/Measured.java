package io.streamrelay.bench;

/** One measured row: the client's result, the relay's CPU over the row (µs), and the load average at its end. */
record Measured(LoadClient.Result result, long cpuMicros, String load) {

    double cpuPerToken() {
        return (double) cpuMicros / Math.max(1, result.tokens);
    }
}
