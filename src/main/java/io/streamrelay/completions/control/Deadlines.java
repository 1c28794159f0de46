package io.streamrelay.completions.control;

/**
 * A generation's deadlines as a pure function of time: given when it started and what the upstream has sent so
 * far, which deadline has passed at {@code now} and when to look again. All times are {@link System#nanoTime}
 * readings or spans in nanoseconds. Keep-alive comments are not progress: only payloads count as sent.
 */
record Deadlines(long firstTokenNanos, long idleNanos, long maxDurationNanos, long heartbeatNanos) {

    private static final long MS = 1_000_000L;

    /** The deadlines that can end a generation, in the order they are checked. */
    enum Fired { NONE, MAX_DURATION, FIRST_TOKEN, IDLE }

    /**
     * What the upstream has done so far: {@code firstToken} once a piece of the answer came, {@code lastPayload}
     * the time of the latest payload (meaningless while {@code anyPayload} is false).
     */
    record Progress(long started, boolean firstToken, boolean anyPayload, long lastPayload) {
    }

    /** {@code fired} is the deadline that passed (NONE: none did); {@code wakeIn} how long to sleep, at least 1 ms. */
    record Verdict(Fired fired, long wakeIn) {
    }

    static Deadlines of(RelaySettings.Timers timers) {
        return new Deadlines(timers.firstTokenMs() * MS, timers.idleMs() * MS, timers.maxDurationMs() * MS,
                timers.heartbeatMs() * MS);
    }

    /**
     * The maximum duration wins over a missing first token, which wins over an idle upstream, when several passed
     * at once: the reported reason is the one that cannot be mended by retrying sooner. Without a fired deadline
     * the wake time is the earliest pending deadline, and never later than one heartbeat interval, so followers'
     * heartbeats are looked at at least that often.
     */
    Verdict at(long now, Progress progress) {
        long maxAt = progress.started() + maxDurationNanos;
        long firstAt = progress.started() + firstTokenNanos;
        long idleAt = progress.lastPayload() + idleNanos;
        if (now - maxAt >= 0) {
            return new Verdict(Fired.MAX_DURATION, 0);
        }
        if (!progress.firstToken() && now - firstAt >= 0) {
            return new Verdict(Fired.FIRST_TOKEN, 0);
        }
        if (progress.anyPayload() && now - idleAt >= 0) {
            return new Verdict(Fired.IDLE, 0);
        }
        long wake = Math.min(maxAt - now, heartbeatNanos);
        if (!progress.firstToken()) {
            wake = Math.min(wake, firstAt - now);
        }
        if (progress.anyPayload()) {
            wake = Math.min(wake, idleAt - now);
        }
        return new Verdict(Fired.NONE, Math.max(wake, MS));
    }
}
