package io.streamrelay.scheduling.control;

import io.streamrelay.settings.control.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The relay's task queues: timers and upstream callbacks (short tasks that never block) and writers (SSE writes,
 * which block while a client's socket is full), kept apart so that slow clients never delay a heartbeat, a
 * timeout or another stream's tokens. Together they bound the relay's threads, whatever the number of streams.
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
    private TaskQueue upstream;

    /** Reads the thread counts (MicroProfile Config or its fallback: see Settings) and starts the workers. */
    @PostConstruct
    void start() {
        Settings settings = Settings.current();
        timerThreads = settings.integer("relay.threads.timers");
        writerThreads = settings.integer("relay.threads.writers");
        upstreamThreads = settings.integer("relay.threads.upstream");
        timers = new TaskQueue("timers", threadFactory, timerThreads);
        writers = new TaskQueue("writers", threadFactory, writerThreads);
        upstream = new TaskQueue("upstream", threadFactory, upstreamThreads);
    }

    public TaskQueue timers() {
        return timers;
    }

    public TaskQueue writers() {
        return writers;
    }

    /** The HttpClient's callbacks: parsing upstream bytes and handing events on, never blocking. */
    public TaskQueue upstream() {
        return upstream;
    }

    @PreDestroy
    void stop() {
        timers.stop();
        writers.stop();
        upstream.stop();
    }
}
