package io.streamrelay.completions.entity;

import io.streamrelay.admission.entity.Caller;
import io.streamrelay.problems.entity.ErrorCode;

/**
 * The core's seam for a capability that watches what generations spend (budgets, in the usage component): it may
 * refuse a generation before its stream starts, and meter its output as it streams, ending it when it must. The
 * core knows only this shape; the implementation is a CDI bean, and without one nothing is metered.
 */
public interface Spending {

    /** Meters nothing and refuses nothing. */
    Spending NONE = (generation, caller, model, stop) -> null;

    /**
     * Called once for each new generation, before any byte of its stream, on the request's thread.
     *
     * @param generation the generation's id, as {@link RelayEvent.GenerationEnded#id()} names it at its end
     * @param model      the model the upstream will be asked for
     * @param stop       ends the generation through its single exit with a terminal error of the given code; the
     *                   upstream is cancelled and the generation's end is reported as for every other ending
     * @return the meter the generation reports its output to, or null when there is nothing to meter (then nothing
     *         is added to the token path)
     * @throws io.streamrelay.problems.entity.ProblemException to refuse the generation (answered as a problem)
     */
    Meter open(String generation, Caller caller, String model, Stop stop);

    /** One generation's output as it streams. */
    interface Meter {
        /**
         * {@code pieces} pieces of output (each one upstream chunk's delta) went out to the followers. Called on
         * the upstream's thread once the piece is logged and queued for the followers (it goes out whatever the
         * meter does), for every piece: it must not block.
         */
        void output(int pieces);

        /**
         * The generation will never run: its creation failed after {@link #open} (the end of a generation that
         * exists is reported as for every other ending instead). Idempotent; never throws.
         */
        default void close() {
        }
    }

    /** Ends one generation early. */
    interface Stop {
        void stop(ErrorCode code, String message);
    }
}
