/**
 * Relays one generation to one client: the shared streaming service that numbers events, owns every timer and
 * ends each stream exactly once, and the two transports (SSE, NDJSON) that put its events on the wire.
 */
package io.streamrelay.completions;
