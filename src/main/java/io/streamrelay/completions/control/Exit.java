package io.streamrelay.completions.control;

import io.streamrelay.admission.entity.Lease;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.upstream.control.Upstream;

/**
 * What a generation holds until its end, released in one place that every ending passes, exactly once: the
 * upstream call (stop paying for tokens nobody gets), the deadline timer, and the caller's stream slot. A slot
 * not released on one path locks a caller out until restart, which is why there is only this path.
 */
final class Exit {

    private final Lease lease;
    private Upstream.UpstreamCall call;
    private TaskQueue.Scheduled timer;
    private boolean left;

    Exit(Lease lease) {
        this.lease = lease;
    }

    /** Holds the upstream call; false when the exit was already taken (the caller must cancel the call itself). */
    synchronized boolean hold(Upstream.UpstreamCall started) {
        if (left) {
            return false;
        }
        call = started;
        return true;
    }

    /** Holds the latest timer; after the exit it is cancelled at once. */
    void hold(TaskQueue.Scheduled scheduled) {
        boolean late;
        synchronized (this) {
            late = left;
            if (!late) {
                timer = scheduled;
            }
        }
        if (late) {
            scheduled.cancel();
        }
    }

    /** Releases everything held; true for the first caller only. */
    boolean leave() {
        Upstream.UpstreamCall running;
        TaskQueue.Scheduled pending;
        synchronized (this) {
            if (left) {
                return false;
            }
            left = true;
            running = call;
            pending = timer;
            call = null;
            timer = null;
        }
        if (pending != null) {
            pending.cancel();
        }
        // Stop paying the upstream before anything else, then give the slot back whatever the cancel did.
        try {
            if (running != null) {
                running.cancel();
            }
        } finally {
            lease.release();
        }
        return true;
    }
}
