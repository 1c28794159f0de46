package io.streamrelay.upstream.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.UpstreamEvent;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpstreamStatusTest {

    @Test
    void retryAfterInSecondsOrAsADate() {
        long now = 1_700_000_000_000L;
        assertEquals(1000, UpstreamStatus.retryAfterMs("1", now));
        assertEquals(0, UpstreamStatus.retryAfterMs(" 0 ", now));
        assertEquals(5000, UpstreamStatus.retryAfterMs("Tue, 14 Nov 2023 22:13:25 GMT", now));
        assertEquals(0, UpstreamStatus.retryAfterMs("Tue, 14 Nov 2023 22:13:00 GMT", now), "a past date: now");
        assertEquals(-1, UpstreamStatus.retryAfterMs(null, now));
        assertEquals(-1, UpstreamStatus.retryAfterMs("-1", now));
        assertEquals(-1, UpstreamStatus.retryAfterMs("soon", now));
        assertEquals(-1, UpstreamStatus.retryAfterMs("99999999999", now), "absurd values are not waited for");
    }

    @Test
    void aRateLimitIsRetryableAnExhaustedQuotaIsNot() {
        UpstreamEvent.Failure limited = UpstreamStatus.failure(429, "Rate limit reached", 1000, "rate_limit_exceeded");
        assertEquals(ErrorCode.UPSTREAM_RATE_LIMITED, limited.code());
        assertTrue(limited.retryable());
        assertEquals(1000, limited.retryAfterMs());
        UpstreamEvent.Failure quota = UpstreamStatus.failure(429, "You exceeded your current quota", -1,
                "insufficient_quota");
        assertEquals(ErrorCode.UPSTREAM_QUOTA_EXCEEDED, quota.code());
        assertFalse(quota.retryable());
        assertEquals(429, quota.status());
    }

    @Test
    void everyStatusHasOneCode() {
        assertEquals(ErrorCode.UPSTREAM_BAD_REQUEST, UpstreamStatus.failure(400, null).code());
        assertEquals(ErrorCode.UPSTREAM_PAYMENT_REQUIRED, UpstreamStatus.failure(402, null).code());
        assertEquals(ErrorCode.UPSTREAM_INVALID_PARAMETERS, UpstreamStatus.failure(422, null).code());
        assertEquals(ErrorCode.UPSTREAM_OVERLOADED, UpstreamStatus.failure(503, null).code());
        assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, UpstreamStatus.failure(502, null).code());
        assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, UpstreamStatus.failure(504, null).code());
        assertEquals(ErrorCode.UPSTREAM_SERVER_ERROR, UpstreamStatus.failure(599, null).code());
        assertEquals(ErrorCode.UPSTREAM_REJECTED, UpstreamStatus.failure(418, null).code());
        assertFalse(UpstreamStatus.failure(400, null).retryable());
    }
}
