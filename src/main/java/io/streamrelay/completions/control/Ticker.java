package io.streamrelay.completions.control;

import io.streamrelay.scheduling.control.TaskQueue;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A generation's timer, one scheduled task at a time: each tick checks the {@link Deadlines}, beats the hearts of
 * the followers that had nothing to receive for a while, and schedules the next tick at the earliest need, at least
 * once per heartbeat interval while the generation runs. Every task is held by the generation's {@link Exit},
 * which cancels it at the end (and cancels at once one scheduled after the end).
 */
final class Ticker {

    private static final long MS = 1_000_000L;

    private final Deadlines deadlines;
    private final RelaySettings.Timers timers;
    private final TaskQueue scheduler;
    private final Exit exit;
    private final Answer answer;
    private final Consumer<Deadlines.Fired> expire;
    private final Supplier<List<Follower>> followers;

    /**
     * @param expire    ends the generation for a deadline that passed
     * @param followers the followers of the generation now (empty once it ended)
     */
    Ticker(RelaySettings.Timers timers, TaskQueue scheduler, Exit exit, Answer answer,
           Consumer<Deadlines.Fired> expire, Supplier<List<Follower>> followers) {
        this.deadlines = Deadlines.of(timers);
        this.timers = timers;
        this.scheduler = scheduler;
        this.exit = exit;
        this.answer = answer;
        this.expire = expire;
        this.followers = followers;
    }

    void start() {
        schedule(deadlines.at(System.nanoTime(), answer.progress()).wakeIn());
    }

    private void tick() {
        long now = System.nanoTime();
        Deadlines.Verdict verdict = deadlines.at(now, answer.progress());
        if (verdict.fired() != Deadlines.Fired.NONE) {
            expire.accept(verdict.fired());
            return;
        }
        long wakeAt = now + verdict.wakeIn();
        // An eighth of the interval, at most 250 ms: a departed client is found well within two intervals.
        long probeGap = Math.min(250, timers.heartbeatMs() / 8) * MS;
        for (Follower follower : followers.get()) {
            wakeAt = Math.min(wakeAt, follower.heartbeat(now, timers.heartbeatMs() * MS, timers.probes(), probeGap));
        }
        schedule(Math.max(wakeAt - now, MS));
    }

    private void schedule(long delayNanos) {
        exit.hold(scheduler.schedule(this::tick, delayNanos));
    }
}
