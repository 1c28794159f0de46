package io.streamrelay.completions.control;

/**
 * One follower's heartbeat as a pure function of time. A ping goes out when the follower had nothing for an
 * interval; then {@code probes} quick pings {@code probeGap} apart, because a departed client is only noticed by
 * the second or third write after it left (the first merely draws the peer's reset). Any real event cancels the
 * probes: it probes the line just as well. Times are {@link System#nanoTime} readings.
 *
 * @param probesLeft probes still to send
 * @param probeAt    when the next probe is due
 * @param lastPing   the offer time the latest ping left behind (a later offer means a real event went out)
 */
record Pulse(int probesLeft, long probeAt, long lastPing) {

    static final Pulse QUIET = new Pulse(0, 0, 0);

    /** {@code ping}: send one now (the follower's last offer then becomes {@code now}); wake no later than {@code wakeAt}. */
    record Step(boolean ping, Pulse next, long wakeAt) {
    }

    Step at(long now, long lastOffer, long interval, int probes, long probeGap) {
        int left = lastOffer != lastPing ? 0 : probesLeft;
        Pulse next = new Pulse(left, probeAt, lastPing);
        boolean ping = false;
        if (left > 0 && now - probeAt >= 0) {
            next = new Pulse(left - 1, now + probeGap, now);
            ping = true;
        } else if (now - lastOffer >= interval) {
            next = new Pulse(probes, now + probeGap, now);
            ping = true;
        }
        long offered = ping ? now : lastOffer;
        long wake = Math.max(now, offered) + interval;
        if (next.probesLeft() > 0) {
            wake = Math.min(wake, next.probeAt());
        }
        return new Step(ping, next, wake);
    }
}
