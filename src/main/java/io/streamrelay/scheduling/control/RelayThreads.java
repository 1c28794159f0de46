package io.streamrelay.scheduling.control;

import io.streamrelay.settings.control.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The relay's task queues: timers (short tasks that never block) and writers (every write to a client; SSE writes
 * block while a client's socket is full), kept apart so that slow clients never delay a heartbeat, a timeout or
 * another stream's tokens; and the number of upstream selector threads. Together they bound the relay's threads,
 * whatever the number of streams.
 */
@ApplicationScoped
public class RelayThreads {

    /** The default one (java:comp/DefaultManagedThreadFactory): threads with the application's context. */
    @Resource
    ManagedThreadFactory threadFactory;

    int timerThreads;
    int writerThreads;
    int upstreamThreads;

    private TaskQueue timers;
    private TaskQueue writers;

    /** Reads the thread counts (MicroProfile Config or its fallback: see Settings) and starts the workers. */
    @PostConstruct
    void start() {
        Settings settings = Settings.current();
        timerThreads = settings.integer("relay.threads.timers");
        writerThreads = settings.integer("relay.threads.writers");
        upstreamThreads = settings.integer("relay.threads.upstream");
        timers = new TaskQueue("timers", threadFactory, timerThreads);
        writers = new TaskQueue("writers", threadFactory, writerThreads);
    }

    public TaskQueue timers() {
        return timers;
    }

    public TaskQueue writers() {
        return writers;
    }

    /**
     * How many threads read and parse upstream streams ({@code relay.threads.upstream}): each is the selector
     * thread of an upstream HttpClient of its own, which runs the client's callbacks where it read the bytes
     * (handing each read to a queue's worker cost 40% of the client's CPU per token: docs/benchmark.md, "Upstream
     * clients compared"). What they run never blocks.
     */
    public int upstreamThreads() {
        return Math.max(1, upstreamThreads);
    }

    @PreDestroy
    void stop() {
        timers.stop();
        writers.stop();
    }
}
