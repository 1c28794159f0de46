/**
 * The OpenAI-compatible front door (issue 10): {@code POST /v1/chat/completions} (chunks and {@code [DONE]}, or one
 * {@code chat.completion}) and {@code GET /v1/models}, built on the core's seams only (TokenRelay, TokenSink,
 * StreamEvent, ChatRequestReader, admission); the core never imports it. Errors on {@code /v1/*} are OpenAI's
 * {@code {"error":{"message","type","code","param"}}}, mapped from ErrorCode in {@code OpenAiErrors}.
 */
package io.streamrelay.openai;
