package io.streamrelay.openai.boundary;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import com.openai.errors.UnauthorizedException;
import com.openai.errors.UnprocessableEntityException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.Upstream;
import io.streamrelay.testing.V1Scripts;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URL;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official OpenAI Java SDK (com.openai:openai-java) against /v1 on Payara Micro and the scripted upstream. */
@RelayOnPayara
class OpenAiJavaSdkIT {

    @Upstream
    static ScriptedUpstream upstream;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return V1Deployment.of(upstream);
    }

    OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(base + "v1").apiKey(key).maxRetries(0).build();
    }

    OpenAIClient client() {
        return client(V1Deployment.KEY);
    }

    static ChatCompletionCreateParams.Builder ask(String prompt) {
        return ChatCompletionCreateParams.builder().model("deepseek-chat").addUserMessage(prompt);
    }

    @Test
    void streamedAnswerWithExactTextAndUsage() {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client().chat().completions().createStreaming(
                ask(Script.NORMAL.prompt(UUID.randomUUID().toString()))
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ChatCompletion completion = accumulator.chatCompletion();
        assertEquals(Script.NORMAL.text(), completion.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().get(0).finishReason());
        assertEquals(Script.PROMPT_TOKENS, completion.usage().orElseThrow().promptTokens());
        assertEquals(11, completion.usage().orElseThrow().completionTokens());
        assertTrue(completion.id().startsWith("chatcmpl-"), completion.id());
    }

    @Test
    void nonStreamedAnswer() {
        ChatCompletion completion = client().chat().completions().create(
                ask(Script.REASONING.prompt(UUID.randomUUID().toString())).build());
        assertEquals(Script.REASONING.text(), completion.choices().get(0).message().content().orElseThrow());
        assertEquals(String.join("", Script.REASONING_TOKENS), completion.choices().get(0).message()
                ._additionalProperties().get("reasoning_content").asStringOrThrow());
        assertEquals(Script.PROMPT_TOKENS + 11, completion.usage().orElseThrow().totalTokens());
    }

    @Test
    void twoParallelToolCallsSplitAcrossManyChunksAreAssembledExactly() {
        String prompt = Script.TOOL_SPLIT.prompt(UUID.randomUUID().toString());
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client().chat().completions().createStreaming(
                ask(prompt).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        assertCalls(accumulator.chatCompletion());
        assertCalls(client().chat().completions().create(ask(Script.TOOL_SPLIT.prompt(UUID.randomUUID().toString()))
                .build()));
    }

    static void assertCalls(ChatCompletion completion) {
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, completion.choices().get(0).finishReason());
        List<ChatCompletionMessageFunctionToolCall> calls = completion.choices().get(0).message().toolCalls()
                .orElseThrow().stream().map(call -> call.asFunction()).toList();
        assertEquals(2, calls.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(V1Scripts.SPLIT_CALLS.get(i)[0], calls.get(i).id());
            assertEquals(V1Scripts.SPLIT_CALLS.get(i)[1], calls.get(i).function().name());
            assertEquals(V1Scripts.SPLIT_CALLS.get(i)[2], calls.get(i).function().arguments());
        }
    }

    @Test
    void toolResultRoundTripReachesTheUpstream() throws Exception {
        String prompt = Script.TOOL_SPLIT.prompt(UUID.randomUUID().toString());
        ChatCompletionCreateParams first = ask(prompt).build();
        ChatCompletion calling = client().chat().completions().create(first);
        ChatCompletionCreateParams.Builder next = first.toBuilder().addMessage(calling.choices().get(0).message());
        for (var call : calling.choices().get(0).message().toolCalls().orElseThrow()) {
            next.addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.asFunction().id())
                    .content("result of " + call.asFunction().function().name()).build());
        }
        ChatCompletion answer = client().chat().completions().create(next.build());
        assertEquals(Script.NORMAL.text(), answer.choices().get(0).message().content().orElseThrow());

        List<ScriptedUpstream.Exchange> exchanges = upstream.exchangesFor(prompt);
        assertEquals(2, exchanges.size());
        JsonArray messages = json(exchanges.get(1).body()).getJsonArray("messages");
        assertEquals(4, messages.size(), messages.toString());
        JsonObject assistant = messages.getJsonObject(1);
        assertEquals("assistant", assistant.getString("role"));
        JsonArray sent = assistant.getJsonArray("tool_calls");
        for (int i = 0; i < 2; i++) {
            assertEquals(V1Scripts.SPLIT_CALLS.get(i)[0], sent.getJsonObject(i).getString("id"));
            assertEquals(V1Scripts.SPLIT_CALLS.get(i)[2], sent.getJsonObject(i).getJsonObject("function")
                    .getString("arguments"));
            JsonObject tool = messages.getJsonObject(2 + i);
            assertEquals("tool", tool.getString("role"));
            assertEquals(V1Scripts.SPLIT_CALLS.get(i)[0], tool.getString("tool_call_id"));
            assertEquals("result of " + V1Scripts.SPLIT_CALLS.get(i)[1], tool.getString("content"));
        }
    }

    @Test
    void anImagePartReachesTheUpstreamUnchanged() throws Exception {
        String prompt = Script.NORMAL.prompt(UUID.randomUUID().toString());
        String image = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        client().chat().completions().create(ChatCompletionCreateParams.builder().model("deepseek-chat")
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text(prompt).build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder().imageUrl(
                                ChatCompletionContentPartImage.ImageUrl.builder().url(image)
                                        .detail(ChatCompletionContentPartImage.ImageUrl.Detail.LOW).build())
                                .build()))).build());
        JsonArray parts = json(upstream.exchangeFor(prompt, 10, TimeUnit.SECONDS).body()).getJsonArray("messages")
                .getJsonObject(0).getJsonArray("content");
        assertEquals("image_url", parts.getJsonObject(1).getString("type"));
        assertEquals(image, parts.getJsonObject(1).getJsonObject("image_url").getString("url"));
        assertEquals("low", parts.getJsonObject(1).getJsonObject("image_url").getString("detail"));
    }

    @Test
    void wrongKeyIsUnauthorized() {
        UnauthorizedException refused = assertThrows(UnauthorizedException.class, () -> client("sk-wrong").chat()
                .completions().create(ask(Script.NORMAL.prompt(UUID.randomUUID().toString())).build()));
        assertEquals("unauthorized", refused.code().orElseThrow());
        assertEquals("authentication_error", refused.type().orElseThrow());
    }

    @Test
    void upstreamRateLimitIs429WithRetryAfterStreamedOrNot() {
        RateLimitException streamed = assertThrows(RateLimitException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = client().chat().completions().createStreaming(
                    ask(Script.HTTP429_LONG.prompt(UUID.randomUUID().toString())).build())) {
                stream.stream().forEach(chunk -> { });
            }
        });
        assertEquals("7", streamed.headers().values("Retry-After").get(0));
        assertEquals("upstream_rate_limited", streamed.code().orElseThrow());
        RateLimitException whole = assertThrows(RateLimitException.class, () -> client().chat().completions()
                .create(ask(Script.HTTP429_LONG.prompt(UUID.randomUUID().toString())).build()));
        assertEquals("7", whole.headers().values("Retry-After").get(0));
        assertEquals("rate_limit_error", whole.type().orElseThrow());
    }

    @Test
    void aModelOutsideTheAllowListIsRefused() {
        UnprocessableEntityException refused = assertThrows(UnprocessableEntityException.class, () -> client().chat()
                .completions().create(ask("normal: x").model("gpt-4o").build()));
        assertEquals("model_not_allowed", refused.code().orElseThrow());
        assertEquals("model", refused.param().orElseThrow());
    }

    @Test
    void anUpstreamErrorMidStreamIsTheSdksException() {
        StringBuilder text = new StringBuilder();
        SseException failed = assertThrows(SseException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = client().chat().completions().createStreaming(
                    ask(Script.MIDSTREAM_ERROR.prompt(UUID.randomUUID().toString())).build())) {
                stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(
                        text::append)));
            }
        });
        assertEquals(Script.MIDSTREAM_ERROR.text(), text.toString());
        assertEquals("upstream_failed", failed.code().orElseThrow());
    }

    @Test
    void closingTheStreamEarlyClosesTheUpstream() throws Exception {
        // An answer that never ends by itself: only the early close can close the upstream.
        String prompt = Script.ENDLESS.prompt(UUID.randomUUID().toString());
        try (StreamResponse<ChatCompletionChunk> stream = client().chat().completions().createStreaming(
                ask(prompt).build())) {
            Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
            for (int i = 0; i < 3; i++) {
                chunks.next();
            }
        }
        ScriptedUpstream.Exchange exchange = upstream.exchangeFor(prompt, 10, TimeUnit.SECONDS);
        assertNotNull(exchange.closedByRelay.get(10, TimeUnit.SECONDS), "the upstream is closed");
    }

    @Test
    void modelsListsTheAllowList() {
        List<String> ids = client().models().list().data().stream().map(model -> model.id()).toList();
        assertEquals(List.of("deepseek-chat", "deepseek-reasoner"), ids);
    }

    static JsonObject json(String body) {
        return jakarta.json.Json.createReader(new StringReader(body)).readObject();
    }
}
