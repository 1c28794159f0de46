/**
 * Who may use the relay and how much: gateway keys, per-client and global limits, concurrency slots owned by
 * generations, and the CORS policy, all applied before any stream byte.
 */
package io.streamrelay.admission;
