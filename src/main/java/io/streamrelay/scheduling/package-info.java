/**
 * Runs the relay's own work (timers, the offline model's pacing, SSE writes that may block) on container threads
 * without a per-task cost: Payara 6 scans the classpath for context providers on every task handed to a managed
 * executor, so tasks go to a queue that a few long-running managed tasks drain.
 */
package io.streamrelay.scheduling;
