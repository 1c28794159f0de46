package io.streamrelay.usage.control;

import io.streamrelay.completions.entity.RelayEvent;
import io.streamrelay.usage.entity.LedgerEntry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hears every generation's single exit (on the thread that ended it): builds its ledger entry, settles its budget
 * and queues the entry for the writer. Nothing here waits for the database.
 */
@ApplicationScoped
public class UsageObserver {

    private static final Logger LOG = Logger.getLogger(UsageObserver.class.getName());

    @Inject
    LedgerSettings settings;

    @Inject
    LedgerWriter writer;

    @Inject
    Budgets budgets;

    private Prices prices;

    @PostConstruct
    void read() {
        prices = settings.prices();
    }

    /** At start: the writer's thread runs and the ledger opens before the first generation ends. */
    void boot(@Observes @Initialized(ApplicationScoped.class) Object started) {
        writer.queued();
    }

    void ended(@Observes RelayEvent.GenerationEnded ended) {
        try {
            LedgerEntry entry = LedgerEntries.of(ended, prices);
            budgets.settle(ended.id(), entry);
            writer.offer(entry);
        } catch (RuntimeException failure) {
            // The generation has ended already; the other observers (metrics, traces) must still hear of it.
            LOG.log(Level.WARNING, "usage of generation " + ended.id() + " not recorded", failure);
        }
    }
}
