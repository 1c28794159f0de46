/**
 * The usage ledger and budgets (issue 14): one record per generation, written at its single exit by a batching
 * writer into a database through JPA (schema by Flyway), {@code GET /api/usage} over it, and per-key budgets
 * checked at admission and metered inside running streams through the core's {@code Spending} seam. It observes
 * the relay's {@code GenerationEnded} event; the core never imports it.
 */
package io.streamrelay.usage;
