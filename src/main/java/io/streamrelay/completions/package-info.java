/**
 * Relays one generation to one client: the shared streaming service that numbers events, owns every timer and
 * ends each stream exactly once, the two transports (SSE, NDJSON) that put its events on the wire, and the
 * metrics of its streams and slots (here, not in admission: admission must not import completions).
 */
package io.streamrelay.completions;
