package io.streamrelay.admission.entity;

import io.streamrelay.problems.entity.ErrorCode;

/**
 * A CDI event: a request was refused before any stream by a limit ({@code rate_limited}, {@code too_many_streams},
 * ...) or because the instance is draining ({@code server_draining}).
 */
public record LimitRefused(ErrorCode code) {
}
