/**
 * Running the relay: MicroProfile Health checks, GenAI metrics, traces, the drain on SIGTERM or undeploy, and the
 * status page's data. It observes the relay's per-generation and per-stream events; the core never imports it.
 */
package io.streamrelay.operations;
