package io.streamrelay.admission.entity;

import io.streamrelay.problems.entity.ErrorCode;

/** A CDI event: a request was refused by a limit ({@code rate_limited}, {@code too_many_streams}, ...). */
public record LimitRefused(ErrorCode code) {
}
