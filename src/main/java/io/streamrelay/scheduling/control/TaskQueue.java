package io.streamrelay.scheduling.control;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Delayed;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tasks, now or after a delay, run by a fixed number of long-running tasks that were submitted once to a
 * container executor. Handing a task over is a queue insert, not a container submission.
 */
public final class TaskQueue implements Executor {

    private static final Logger LOG = Logger.getLogger(TaskQueue.class.getName());

    private final String name;
    private final DelayQueue<Task> queue = new DelayQueue<>();
    private final AtomicLong order = new AtomicLong();
    private final List<Future<?>> workers = new ArrayList<>();
    private volatile boolean stopped;

    /** A scheduled task that may still be called off; cancelling a task that already ran does nothing. */
    public interface Scheduled {
        void cancel();
    }

    public TaskQueue(String name, ExecutorService container, int threads) {
        this.name = name;
        for (int i = 0; i < threads; i++) {
            workers.add(container.submit(this::work));
        }
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, 0);
    }

    public Scheduled schedule(Runnable task, long delayNanos) {
        if (stopped) {
            throw new RejectedExecutionException(name + " is stopped");
        }
        Task scheduled = new Task(task, System.nanoTime() + delayNanos, order.getAndIncrement());
        queue.add(scheduled);
        return scheduled;
    }

    public void stop() {
        stopped = true;
        workers.forEach(worker -> worker.cancel(true));
    }

    private void work() {
        while (!stopped) {
            Task task;
            try {
                task = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (task != null && !task.cancelled) {
                try {
                    task.run.run();
                } catch (RuntimeException | LinkageError failure) {
                    LOG.log(Level.WARNING, name + ": a task failed", failure);
                }
            }
        }
    }

    private static final class Task implements Delayed, Scheduled {
        private final Runnable run;
        private final long atNanos;
        private final long order;
        private volatile boolean cancelled;

        Task(Runnable run, long atNanos, long order) {
            this.run = run;
            this.atNanos = atNanos;
            this.order = order;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(atNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Task that = (Task) other;
            int byTime = Long.compare(atNanos, that.atNanos);
            return byTime != 0 ? byTime : Long.compare(order, that.order);
        }
    }
}
