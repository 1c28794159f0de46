package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.RelayEvent;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Reports a generation's events to their observers, its end on one of the relay's own threads. A generation mostly
 * ends on an upstream client's selector thread, which carries no application context: there Payara's Tracer
 * producer threw ("No application code is executing", TracesIT), and an observer that throws stops the event's
 * delivery to the observers after it, the usage ledger's among them. Once the relay's threads have stopped (the
 * application stopping), the end is reported where it happened, rather than lost.
 */
final class EndReports implements Consumer<RelayEvent> {

    private final Consumer<RelayEvent> observers;
    private final Executor relayThreads;

    EndReports(Consumer<RelayEvent> observers, Executor relayThreads) {
        this.observers = observers;
        this.relayThreads = relayThreads;
    }

    @Override
    public void accept(RelayEvent event) {
        if (!(event instanceof RelayEvent.GenerationEnded)) {
            observers.accept(event);
            return;
        }
        try {
            relayThreads.execute(() -> observers.accept(event));
        } catch (RejectedExecutionException stopped) {
            observers.accept(event);
        }
    }
}
