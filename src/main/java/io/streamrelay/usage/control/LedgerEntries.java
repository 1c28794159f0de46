package io.streamrelay.usage.control;

import io.streamrelay.completions.entity.RelayEvent;
import io.streamrelay.upstream.entity.UpstreamEvent;
import io.streamrelay.upstream.entity.Usage;
import io.streamrelay.usage.entity.LedgerEntry;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** What the ledger records of a generation's end ({@link LedgerEntry} gives each field's meaning). */
final class LedgerEntries {

    /** Reserved: GatewayKeys refuses a key with this id, so no key reads these rows as its own. */
    static final String ANONYMOUS = io.streamrelay.admission.control.GatewayKeys.ANONYMOUS;

    private LedgerEntries() {
    }

    static LedgerEntry of(RelayEvent.GenerationEnded ended, Prices prices) {
        Usage usage = usage(ended);
        String answered = ended.responseModel() != null ? ended.responseModel() : ended.requestModel();
        String transport = ended.transport() == null ? "none" : ended.transport();
        return new LedgerEntry(ended.id(), ended.keyed() ? ended.caller() : ANONYMOUS, ended.requestModel(),
                answered, upstream(ended.attempts()), endpoint(ended.endpoint(), transport), transport,
                usage.promptTokens(), usage.completionTokens(), usage.reasoningTokens(), usage.cachedTokens(),
                usage.estimated(), prices.cost(answered, usage.promptTokens(), usage.completionTokens()),
                ended.firstTokenNanos() == 0 ? -1 : millis(ended.firstTokenNanos() - ended.startedNanos()),
                millis(ended.endedNanos() - ended.startedNanos()),
                ended.error() == null ? "done" : ended.error().code(), LocalDateTime.now(ZoneOffset.UTC));
    }

    /**
     * The done event's counts; else, for an error, what the upstream reported before it; else the pieces relayed
     * up to the end, estimated (the prompt then counts 0).
     */
    static Usage usage(RelayEvent.GenerationEnded ended) {
        if (ended.usage() != null) {
            return ended.usage();
        }
        if (ended.reported() != null) {
            return ended.reported();
        }
        return new Usage(0, ended.outputPieces(), ended.outputPieces(), true);
    }

    /** The endpoint that answered last: the upstream's attempts name it; none for the offline model. */
    private static String upstream(List<UpstreamEvent.Attempt> attempts) {
        return attempts.isEmpty() ? "offline" : attempts.get(attempts.size() - 1).endpoint();
    }

    private static String endpoint(String createdBy, String transport) {
        if ("generations".equals(createdBy)) {
            return "/api/generations";
        }
        return switch (transport) {
            case "sse" -> "/api/chat";
            case "ndjson" -> "/ndjson/chat";
            case "openai" -> "/v1/chat/completions";
            default -> "chat";
        };
    }

    private static long millis(long nanos) {
        return Math.max(0, nanos / 1_000_000);
    }
}
