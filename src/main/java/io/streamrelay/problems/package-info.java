/**
 * Answers every request that is refused before a stream starts with one RFC 9457 problem body, the same from
 * both transports, and never with a stack trace or an internal message; refuses the malformed requests the
 * container lets through; keeps a client's departure out of the log as an error.
 */
package io.streamrelay.problems;
