package io.streamrelay.completions.control;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deadline function against a brute-force oracle: every ordering of first-token, idle and maximum-duration
 * deadlines, heartbeat intervals, payload times and the first token's time, driven the way the ticker drives it
 * (sleep what it says, ask again). It must fire exactly when the oracle first sees a deadline pass, with the same
 * reason, and never sleep past a deadline or a heartbeat.
 */
class DeadlinesTest {

    private static final long MS = 1_000_000L;
    private static final long NEVER = Long.MAX_VALUE;

    @Test
    void firesExactlyWhenAndWhyTheOracleSaysForEveryOrdering() {
        int scenarios = 0;
        long[] heartbeats = {1, 3, 10};
        for (long first = 1; first <= 5; first++) {
            for (long idle = 1; idle <= 5; idle++) {
                for (long max = 1; max <= 6; max++) {
                    for (long heartbeat : heartbeats) {
                        Deadlines deadlines = new Deadlines(first * MS, idle * MS, max * MS, heartbeat * MS);
                        for (int payloads = 0; payloads < 1 << 6; payloads++) {
                            List<Long> times = new ArrayList<>();
                            for (int t = 0; t < 6; t++) {
                                if ((payloads & 1 << t) != 0) {
                                    times.add((long) t);
                                }
                            }
                            List<Long> tokenTimes = new ArrayList<>(times);
                            tokenTimes.add(NEVER);
                            for (long token : tokenTimes) {
                                check(deadlines, first, idle, max, heartbeat, List.copyOf(times), token);
                                scenarios++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(scenarios > 50_000, scenarios + " scenarios");
    }

    /**
     * Drives the function like the ticker: at every tick its verdict must equal the oracle's at that instant, and
     * when nothing happened since the previous tick it must have fired at the first instant the oracle would. A
     * payload between ticks is only seen at the next tick (at most one heartbeat interval later): a pure function
     * cannot foresee it. Times are whole milliseconds here.
     */
    private static void check(Deadlines deadlines, long first, long idle, long max, long heartbeat, List<Long> payloads,
                              long token) {
        long start = 1_000 * MS; // nanoTime is arbitrary: not zero
        String scenario = "first " + first + " idle " + idle + " max " + max + " hb " + heartbeat + " payloads "
                + payloads + " token " + token;
        long now = 0;
        long previous = -1;
        for (int ticks = 0; ticks < 100; ticks++) {
            Deadlines.Verdict verdict = deadlines.at(start + now * MS, progress(start, now, payloads, token));
            assertEquals(oracle(now, first, idle, max, payloads, token), verdict.fired(), scenario + " at " + now);
            if (verdict.fired() != Deadlines.Fired.NONE) {
                long before = previous;
                long at = now;
                if (payloads.stream().noneMatch(p -> p > before && p <= at)) {
                    assertEquals(firstFireAfter(previous, first, idle, max, payloads, token), now,
                            scenario + ": nothing happened since the previous tick, so it must fire on time");
                }
                return;
            }
            assertTrue(verdict.wakeIn() >= MS, scenario + ": wakes at least a millisecond later");
            assertTrue(verdict.wakeIn() <= heartbeat * MS, scenario + ": sleeps past a heartbeat");
            assertTrue(verdict.wakeIn() % MS == 0, scenario);
            previous = now;
            now += verdict.wakeIn() / MS;
        }
        throw new AssertionError(scenario + ": never fired");
    }

    private static Deadlines.Progress progress(long start, long now, List<Long> payloads, long token) {
        long last = -1;
        for (long p : payloads) {
            if (p <= now) {
                last = p;
            }
        }
        return new Deadlines.Progress(start, token <= now, last >= 0, start + Math.max(last, 0) * MS);
    }

    private static long firstFireAfter(long tick, long first, long idle, long max, List<Long> payloads, long token) {
        for (long t = tick + 1; ; t++) {
            if (oracle(t, first, idle, max, payloads, token) != Deadlines.Fired.NONE) {
                return t;
            }
        }
    }

    /** The rule stated directly for one instant. */
    private static Deadlines.Fired oracle(long t, long first, long idle, long max, List<Long> payloads, long token) {
        long last = -1;
        for (long p : payloads) {
            if (p <= t) {
                last = p;
            }
        }
        if (t >= max) {
            return Deadlines.Fired.MAX_DURATION;
        }
        if (token > t && t >= first) {
            return Deadlines.Fired.FIRST_TOKEN;
        }
        if (last >= 0 && t - last >= idle) {
            return Deadlines.Fired.IDLE;
        }
        return Deadlines.Fired.NONE;
    }

    @Test
    void aQuietGenerationIsLookedAtEveryHeartbeat() {
        Deadlines deadlines = new Deadlines(60_000 * MS, 60_000 * MS, 600_000 * MS, 15_000 * MS);
        Deadlines.Verdict verdict = deadlines.at(5 * MS, new Deadlines.Progress(5 * MS, true, true, 5 * MS));
        assertEquals(new Deadlines.Verdict(Deadlines.Fired.NONE, 15_000 * MS), verdict);
    }

    @Test
    void worksAcrossTheNanoTimeWrap() {
        Deadlines deadlines = new Deadlines(10 * MS, 10 * MS, 100 * MS, 50 * MS);
        long start = Long.MAX_VALUE - 5 * MS;
        assertEquals(Deadlines.Fired.NONE, deadlines.at(start + 9 * MS,
                new Deadlines.Progress(start, false, false, 0)).fired());
        assertEquals(Deadlines.Fired.FIRST_TOKEN, deadlines.at(start + 10 * MS,
                new Deadlines.Progress(start, false, false, 0)).fired());
    }
}
