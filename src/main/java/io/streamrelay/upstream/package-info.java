/**
 * Talks to the model: an OpenAI-compatible chat-completions stream read without parking a thread, or the built-in
 * offline model when no upstream is configured. Both turn what they produce into one closed set of events.
 */
package io.streamrelay.upstream;
