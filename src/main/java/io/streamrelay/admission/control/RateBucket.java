package io.streamrelay.admission.control;

/**
 * A token bucket refilled continuously at {@code perMinute} a minute up to {@code perMinute}: a client may burst to
 * its whole minute's allowance, then gets one more every 60/perMinute seconds. It may go into debt (completion
 * tokens are counted after they streamed), and then admits nothing until it has refilled to one.
 */
final class RateBucket {

    private final double capacity;
    private final double perNano;
    private double level;
    private long at;

    RateBucket(int perMinute, long now) {
        this.capacity = perMinute;
        this.perNano = perMinute / 60e9;
        this.level = perMinute;
        this.at = now;
    }

    /** Takes one unit: 0 when it was there, else the nanoseconds until it will be. */
    synchronized long take(long now) {
        long wait = waitForOne(now);
        if (wait == 0) {
            level -= 1;
        }
        return wait;
    }

    /** 0 when at least one unit is there, else the nanoseconds until it will be; takes nothing. */
    synchronized long waitForOne(long now) {
        refill(now);
        return level >= 1 ? 0 : (long) Math.ceil((1 - level) / perNano);
    }

    synchronized void spend(int units, long now) {
        refill(now);
        level -= units;
    }

    /** Full again: nothing to remember about this client. */
    synchronized boolean full(long now) {
        refill(now);
        return level >= capacity;
    }

    private void refill(long now) {
        level = Math.min(capacity, level + (now - at) * perNano);
        at = now;
    }
}
